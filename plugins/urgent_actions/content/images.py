"""An action's photo, checked at the door: a readable JPEG, PNG or WebP of a sane size.

The build never publishes the file itself (``render/images.py`` makes every copy,
without metadata); reading it here gives what the plans need without opening
it again: the digest of its bytes (the key of every copy), its upright size,
and what in it could identify someone (``./dev check`` refuses those files).
"""

from __future__ import annotations

import hashlib
import os
import warnings
from dataclasses import dataclass

from .errors import Problem

# Formats a browser, a mail client and WeasyPrint all read, from a phone or an editor.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# A phone photo is 3 to 15 MB; anything larger is not a photo worth sending as is.
MAX_BYTES = 30 * 1024 * 1024
# 50 megapixels (a 8000 × 6000 photo): beyond, decoding alone takes a quarter of a gigabyte.
MAX_PIXELS = 50_000_000
# EXIF tags (in the IFD0 or the Exif IFD) that name the device or its owner.
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_SERIAL_TAGS = {0xA431: "BodySerialNumber", 0xA435: "LensSerialNumber", 0xC62F: "CameraSerialNumber"}
_ORIENTATION = 0x0112
# Orientations that swap width and height (EXIF 5 to 8: a quarter turn).
_QUARTER_TURNS = {5, 6, 7, 8}


class ImageProblem(ValueError):
    """What is wrong with an image file, as one sentence naming it."""


@dataclass(frozen=True)
class ImageInfo:
    """An accepted photo: its bytes' digest, its size once upright, its format."""

    digest: str
    width: int
    height: int
    format: str


def identifying_marks(image) -> tuple[str, ...]:
    """What in an open Pillow image's EXIF could identify the person or the phone."""
    exif = image.getexif()
    marks = []
    if exif.get_ifd(_GPS_IFD) or _GPS_IFD in exif:
        marks.append("GPS position")
    inner = exif.get_ifd(_EXIF_IFD)
    if any(tag in inner or tag in exif for tag in _SERIAL_TAGS):
        marks.append("device serial number")
    return tuple(marks)


# Files of content/ that may be photos (what ``./dev check`` opens).
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".heic", ".heif")


def identifying_problems(content_root: str) -> list[Problem]:
    """Every image under ``content_root`` whose EXIF holds a GPS position or a device
    serial number: published copies never do, but the repository should not keep them."""
    from PIL import Image

    problems = []
    for folder, folders, files in os.walk(content_root):
        folders.sort()
        for name in sorted(files):
            if not name.lower().endswith(IMAGE_SUFFIXES):
                continue
            path = os.path.join(folder, name)
            try:
                with Image.open(path) as image:
                    marks = identifying_marks(image)
            except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
                continue  # not an image: the build says so when an action uses it
            if marks:
                message = f"carries a {' and a '.join(marks)}: remove them with ./dev images --strip"
                problems.append(Problem(path, "", message))
    return problems


def inspect(content_root: str, relative: str) -> ImageInfo:
    """Check the image ``relative`` to ``content_root``; its :class:`ImageInfo`, or
    :class:`ImageProblem` saying, in one sentence naming the file, what is wrong."""
    from PIL import Image, UnidentifiedImageError

    shown = f"content/{relative}"
    path = os.path.join(content_root, relative)
    if relative.lower().endswith((".svg", ".svgz")):
        raise ImageProblem(f"{shown} is an SVG drawing, which may carry scripts: export it as a JPEG or PNG")
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise ImageProblem(
            f"{shown} weighs {size / 1e6:.0f} MB, at most {MAX_BYTES // 2**20} MB: export a smaller copy"
        )
    with open(path, "rb") as handle:
        data = handle.read()
    if data.lstrip()[:5] in (b"<?xml", b"<svg ") or b"<svg" in data[:1024]:
        raise ImageProblem(f"{shown} is an SVG drawing, which may carry scripts: export it as a JPEG or PNG")
    import io

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError) as exc:
        if isinstance(exc, (Image.DecompressionBombWarning, Image.DecompressionBombError)):
            raise ImageProblem(f"{shown} has too many pixels (at most {MAX_PIXELS // 1_000_000} megapixels)") from None
        kind = "a PDF" if data.startswith(b"%PDF") else "not an image"
        raise ImageProblem(f"{shown} is {kind}, whatever its name says: export a JPEG or PNG") from None
    with image:
        return _checked(image, shown, data)


def _checked(image, shown: str, data: bytes) -> ImageInfo:
    """The :class:`ImageInfo` of an open image, once its format, size and pixels are checked."""
    if image.format not in ACCEPTED_FORMATS:
        raise ImageProblem(f"{shown} is a {image.format} file: export a JPEG or PNG")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageProblem(
            f"{shown} is {width} × {height} pixels, at most {MAX_PIXELS // 1_000_000} megapixels: export a smaller copy"
        )
    orientation = image.getexif().get(_ORIENTATION, 1)
    if image.format == "JPEG":
        # Decoding at an eighth of the size reads the whole file (a truncated one fails) in a few ms.
        image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageProblem(f"{shown} is damaged or cut short ({exc}): export it again") from None
    if orientation in _QUARTER_TURNS:
        width, height = height, width
    return ImageInfo(hashlib.blake2b(data, digest_size=20).hexdigest(), width, height, image.format)

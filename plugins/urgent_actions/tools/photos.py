"""``./dev images --strip``: remove what identifies a person or a phone from content's photos, in place.

The build never publishes an editor's file (only copies without metadata),
but a photo with its GPS position should not stay in the repository either.
A JPEG is rewritten without re-encoding: its metadata segments (EXIF, XMP,
IPTC, comments) are dropped, and its orientation, when it has one, is kept
in a new EXIF segment that holds nothing else. Other formats are saved
again, turned upright, without their metadata.
"""

from __future__ import annotations

import os

# JPEG segments kept: JFIF (APP0), the colour profile (APP2), Adobe's colour
# transform (APP14); every other application segment (EXIF and XMP in APP1,
# IPTC in APP13, makers' notes) and comments (COM) are dropped.
_KEPT_APP = {0xE0, 0xE2, 0xEE}
_SOS, _COM = 0xDA, 0xFE
_ORIENTATION = 0x0112


def stripped_jpeg(data: bytes, orientation: int) -> bytes:
    """A JPEG's bytes without its metadata segments, the same pixels (no re-encoding)."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG file")
    kept = [b"\xff\xd8"]
    if orientation != 1:
        from PIL import Image

        exif = Image.Exif()
        exif[_ORIENTATION] = orientation
        payload = exif.tobytes()
        kept.append(b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload)
    index = 2
    while index < len(data) - 1:
        marker = data[index + 1]
        if marker == _SOS:
            kept.append(data[index:])
            break
        if marker == 0xFF:  # fill byte
            index += 1
            continue
        length = int.from_bytes(data[index + 2 : index + 4], "big")
        segment = data[index : index + 2 + length]
        if not ((0xE1 <= marker <= 0xEF and marker not in _KEPT_APP) or marker == _COM):
            kept.append(segment)
        index += 2 + length
    return b"".join(kept)


def strip(path: str) -> None:
    """Remove the metadata of the image at ``path``, in place (a new file, then renamed)."""
    import io

    from PIL import Image, ImageOps

    with open(path, "rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as image:
        if image.format == "JPEG":
            result = stripped_jpeg(data, image.getexif().get(_ORIENTATION, 1))
        else:
            upright = ImageOps.exif_transpose(image)
            icc = image.info.get("icc_profile")
            upright.info = {}
            buffer = io.BytesIO()
            options = {"lossless": True} if image.format == "WEBP" else {}
            upright.save(buffer, image.format, icc_profile=icc, **options)
            result = buffer.getvalue()
    temporary = path + ".stripping"
    with open(temporary, "wb") as handle:
        handle.write(result)
    os.replace(temporary, path)

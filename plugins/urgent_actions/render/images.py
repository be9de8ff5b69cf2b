"""The bytes of photos and share cards (Pillow): upright, sRGB, resized, and without metadata.

Nothing an editor uploaded reaches the site as it was: every copy is decoded,
turned upright by its EXIF orientation, converted to sRGB, cropped and
resized, then encoded again with no EXIF, XMP, IPTC, comment, thumbnail or
colour profile (sRGB is what browsers assume without one). A copy that would
weigh more than its plan allows is encoded again at a lower quality.
"""

from __future__ import annotations

import functools
import io
import textwrap

from ..site.outputs import CardPlan, ImagePlan

# WebP's encoder effort (0 fastest, 6 smallest): 4 is Pillow's default, a few
# percent larger than 6 in a third of the time.
WEBP_METHOD = 4
# Each new try lowers the quality by this much, down to the floor.
QUALITY_STEP = 10
QUALITY_FLOOR = 30
# The site's colours (theme/static/css/site.css) and the fonts WeasyPrint uses too (Debian's DejaVu).
INK, MUTED, PAPER, ACCENT, DANGER = "#1b1b1b", "#505050", "#ffffff", "#ffe600", "#a4121b"
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
CARD_SIZE = (1200, 630)


def upright_srgb(source: str, box: tuple[int, int]):
    """The photo at ``source``, decoded (at no less than ``box`` where JPEG allows a
    smaller decode), turned upright, in sRGB, as an RGB image with no metadata."""
    from PIL import Image, ImageCms, ImageOps

    with Image.open(source) as opened:
        if opened.format == "JPEG":
            # The EXIF orientation may swap the sides: ask for both at least ``box``'s larger side.
            side = max(box)
            opened.draft("RGB", (side, side))
        image = ImageOps.exif_transpose(opened)
        icc = opened.info.get("icc_profile")
    if icc:
        try:
            source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source_profile, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except ImageCms.PyCMSError:
            pass  # a broken profile: the pixels as they are, which most photos are already (sRGB)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, PAPER)
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.info = {}
    return image


def encode(plan: ImagePlan) -> bytes:
    """One copy of a photo, as its plan says."""
    from PIL import Image

    image = upright_srgb(plan.source, (plan.width, plan.height))
    left, top, right, bottom = plan.crop
    box = (left * image.width, top * image.height, right * image.width, bottom * image.height)
    image = image.resize((plan.width, plan.height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    return _smallest_fitting(image, plan.format, plan.quality, plan.max_bytes)


def _smallest_fitting(image, kind: str, quality: int, max_bytes: int, optimize: bool = True) -> bytes:
    """``image`` encoded at ``quality``, or lower until it weighs at most ``max_bytes``."""
    while True:
        buffer = io.BytesIO()
        if kind == "webp":
            image.save(buffer, "WEBP", quality=quality, method=WEBP_METHOD, exif=b"", icc_profile=None)
        else:
            # Optimised Huffman tables: 10 % smaller for 4 ms; progressive would save
            # 8 % more for 10 ms more a file (thousands of share cards).
            image.save(buffer, "JPEG", quality=quality, optimize=optimize, exif=b"", icc_profile=None)
        data = buffer.getvalue()
        if len(data) <= max_bytes or quality <= QUALITY_FLOOR:
            return data
        quality = max(QUALITY_FLOOR, quality - QUALITY_STEP)


@functools.lru_cache(maxsize=16)
def _font(bold: bool, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(FONT_DIR + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), size)


@functools.lru_cache(maxsize=4)
def _card_base(site_name: str):
    """What every drawn card shares: the site's name on its yellow band, the dark bottom bar."""
    from PIL import Image, ImageDraw

    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 96), fill=ACCENT)
    draw.text((64, 48), site_name, font=_font(True, 40), fill=INK, anchor="lm")
    draw.rectangle((0, height - 12, width, height), fill=INK)
    return image


def draw_card(plan: CardPlan) -> bytes:
    """A 1200 × 630 share card of an action without a photo: the site's name on its
    yellow band, the case and country, the title, the people, the deadline."""
    from PIL import ImageDraw

    height = CARD_SIZE[1]
    # Thousands of cards a build: the shared parts are drawn once, and copied.
    image = _card_base(plan.site_name).copy()
    draw = ImageDraw.Draw(image)
    draw.text((64, 150), plan.kicker, font=_font(False, 30), fill=MUTED, anchor="lm")
    lines = textwrap.wrap(plan.title, 30)
    size = 60 if len(lines) <= 3 else 48
    lines = textwrap.wrap(plan.title, 30 if size == 60 else 38, max_lines=4, placeholder=" …")
    y = 200
    for line in lines:
        draw.text((64, y), line, font=_font(True, size), fill=INK)
        y += int(size * 1.2)
    if plan.people:
        draw.text((64, y + 16), textwrap.shorten(plan.people, 60, placeholder=" …"), font=_font(False, 32), fill=INK)
    if plan.deadline:
        draw.text((64, height - 56), plan.deadline, font=_font(True, 32), fill=DANGER, anchor="lm")
    # Standard Huffman tables: a flat card fits its budget many times over (under
    # 100 KB for 290), and optimising them would cost a third of the card's time.
    return _smallest_fitting(image, "jpeg", 85, plan.max_bytes, optimize=False)

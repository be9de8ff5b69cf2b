"""Share cards drawn from an action's text (Pillow): thousands a build, so each costs about a millisecond.

A card is the same picture for every action but its text: the site's name on
its yellow band, a white page, a dark bar at the bottom. That picture is
drawn and encoded once per build, as a JPEG whose every group of five blocks
(80 × 16 pixels) is a restart interval (an independent run of the entropy
coder). A card then draws its text in grey levels on the stripes it touches,
packs the groups its words touch side by side, colours them (a palette of the
site's colours), encodes them alone, and puts them in place of the blank ones,
the blank's restart markers kept. Its text is made of words drawn once a process
(FreeType's rendering was most of a card's time), placed where Pillow would put
them. The file is byte for byte the JPEG of the whole card, its text drawn by
ImageDraw, with the same restart markers (``encode_card(card_image(plan))``):
only the work is less. (A card is about 5 % larger than with a marker a stripe.)
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
import textwrap

from ..site.outputs import CardPlan
from .images import PAPER, smallest_fitting

# The site's colours (theme/static/css/site.css) and the fonts WeasyPrint uses too (Debian's DejaVu).
INK, MUTED, ACCENT, DANGER = "#1b1b1b", "#505050", "#ffe600", "#a4121b"
FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
CARD_SIZE = (1200, 630)

QUALITY = 85
# A stripe is one row of the JPEG's blocks (16 pixels with 4:2:0 chroma subsampling),
# a group five of its blocks (80 pixels, 15 a stripe): each group a restart interval.
STRIPE, GROUP = 16, 5
GROUP_WIDTH = STRIPE * GROUP
GROUPS = CARD_SIZE[0] // GROUP_WIDTH
# Grey levels of a text's edges, per colour: four ramps of the palette.
LEVELS = 64
# Rows of the yellow band (0 to 96, as ImageDraw's rectangle drew it) and of the bottom bar.
BAND_HEIGHT, BAR_HEIGHT = 97, 12
_RESTART = re.compile(rb"\xff[\xd0-\xd7]")
_START_OF_SCAN, _END = b"\xff\xda", b"\xff\xd9"
# Text that FreeType lays out left to right with no shaping across a space (Latin
# letters, digits, punctuation, the euro; no right-to-left script, no combining
# mark): its mask is its words' masks side by side.
_WORD_BY_WORD = re.compile(r"[\u0020-\u007e\u00a0-\u024f\u2010-\u2027\u2030-\u205e\u20ac]*")


@functools.lru_cache(maxsize=16)
def _font(bold: bool, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(FONT_DIR + ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), size)


def _draw_words(font, words: str, anchor: str, fraction: float):
    """``words`` in grey levels, drawn from ``fraction`` of a pixel on as ImageDraw.text
    draws them on paper, cropped to their ink; and where their ink starts from the pen
    (None: no ink)."""
    from PIL import Image, ImageDraw

    mask, (dx, dy) = font.getmask2(words, "L", anchor=anchor, start=(fraction, 0))
    level = Image.new("L", mask.size)
    if 0 not in mask.size:
        ImageDraw.Draw(level).draw.draw_bitmap((0, 0), mask, LEVELS - 1)
    box = level.getbbox()
    if box is None:
        return None, (dx, dy)
    return level.crop(box), (dx + box[0], dy + box[1])


# Words drawn alone, cropped to their ink (up to 1,024, about 6 MB; the oldest go
# first), and words met (up to 16,384). A FreeType call costs about 55 us whatever
# its length: a word is drawn alone, and kept, from the second time a process meets
# it, and one a line at most; the other words are drawn with their neighbours.
_WORDS: dict[tuple, tuple] = {}
_MET: dict[tuple, None] = {}


def _remember(store: dict, key: tuple, value, limit: int) -> None:
    if len(store) >= limit:
        del store[next(iter(store))]
    store[key] = value


@functools.lru_cache(maxsize=4096)
def _advance(font, word: str) -> float:
    """How far the pen moves for ``word`` and the space after it (1/64 of a pixel)."""
    return font.getlength(word + " ")


def _chunks(text: str, font, anchor: str) -> list[tuple[int, tuple]]:
    """``text`` cut at spaces into chunks drawn from their pen on: (whole pixels of the
    pen, ``_draw_words``' answer), a kept word alone, the words between together."""
    parts, pen, chunks, run, fill = text.split(" "), 0.0, [], None, True

    def draw_run(end: int) -> None:
        first, start = run
        chunks.append((math.floor(start), _draw_words(font, " ".join(parts[first:end]), anchor, start % 1)))

    for number, word in enumerate(parts):
        if word:
            key = (font, word, anchor, pen % 1)
            kept = _WORDS.get(key)
            if kept is None and fill and (font, word) in _MET:
                kept, fill = _draw_words(*key), False
                _remember(_WORDS, key, kept, 1024)
            if kept is not None:
                if run:
                    draw_run(number)
                    run = None
                chunks.append((math.floor(pen), kept))
            elif run is None:
                run = (number, pen)
            if (font, word) not in _MET:
                _remember(_MET, (font, word), None, 1 << 14)
        pen += _advance(font, word)
    if run:
        draw_run(len(parts))
    return chunks


def _line_words(line: tuple) -> list | None:
    """A line's words as (image, box on the card), or None where Pillow must draw it.

    FreeType puts each glyph at its rounded pen position, nothing is shaped across
    a space (in the text ``_WORD_BY_WORD`` takes), and where glyphs meet it keeps
    the larger coverage: words whose ink does not meet make the line's pixels."""
    x, y, text, font, anchor = line
    if not _WORD_BY_WORD.fullmatch(text):
        return None
    words = []
    for pen, (image, (dx, dy)) in _chunks(text, font, anchor):
        if image:
            left, top = x + pen + dx, y + dy
            words.append((image, (left, top, left + image.width, top + image.height)))
    if all(a[2] <= b[0] for (_, a), (_, b) in itertools.pairwise(words)):
        return words
    return None


def _placed_words(plan: CardPlan) -> list[tuple[int, list]] | None:
    """Each block's ramp and words as (image, box on the card), or None where Pillow must
    draw the card: its ink would leave its block or meet another line's (Pillow blends it)."""
    blocks, lines = [], []
    for colour, top, bottom, block_lines in _lines(plan):
        placed = []
        for line in block_lines:
            words = _line_words(line)
            if words is None:
                return None
            if words:
                box = (words[0][1][0], min(b[1] for _, b in words), words[-1][1][2], max(b[3] for _, b in words))
                if box[0] < 0 or box[2] > CARD_SIZE[0] or box[1] < top or box[3] > bottom:
                    return None
                if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in lines):
                    return None
                lines.append(box)
                placed += words
        blocks.append((RAMPS[colour], placed))
    return blocks


def _draw(image, xy: tuple[int, int], text: str, font, anchor: str) -> None:
    """The text as Pillow draws it: what the words placed side by side must match."""
    from PIL import ImageDraw

    ImageDraw.Draw(image).text(xy, text, fill=LEVELS - 1, font=font, anchor=anchor)


def _ramp(start: str, end: str) -> list[int]:
    from PIL import ImageColor

    a, b = ImageColor.getrgb(start), ImageColor.getrgb(end)
    return [round(a[k] + (b[k] - a[k]) * i / (LEVELS - 1)) for i in range(LEVELS) for k in range(3)]


# Index = ramp * LEVELS + coverage: text in ink, muted and danger on paper, the site's name on the band.
RAMPS = {INK: 0, MUTED: 1, DANGER: 2}
PALETTE = _ramp(PAPER, INK) + _ramp(PAPER, MUTED) + _ramp(PAPER, DANGER) + _ramp(ACCENT, INK)


@functools.lru_cache(maxsize=4)
def _blank(site_name: str):
    """The card without the action's text, as palette indices (mode L)."""
    from PIL import Image, ImageDraw

    width, height = CARD_SIZE
    image = Image.new("L", CARD_SIZE, 0)
    band = Image.new("L", (width, BAND_HEIGHT), 0)
    ImageDraw.Draw(band).text((64, 48), site_name, font=_font(True, 40), fill=LEVELS - 1, anchor="lm")
    image.paste(band.point(lambda v: v + 3 * LEVELS), (0, 0))
    image.paste(LEVELS - 1, (0, height - BAR_HEIGHT, width, height))
    return image


def _lines(plan: CardPlan) -> list[tuple[str, int, int, list[tuple]]]:
    """The action's text: (colour, top row, bottom row, lines) for each block, a band
    of the card's width between the band and the bar with room around its text (the
    blocks do not overlap); each line (x, y, text, font, anchor) on the card."""
    height = CARD_SIZE[1]
    lines = textwrap.wrap(plan.title, 30)
    size = 60 if len(lines) <= 3 else 48
    if size == 48:  # (up to three lines, max_lines=4 would change nothing)
        lines = textwrap.wrap(plan.title, 38, max_lines=4, placeholder=" …")
    step, y = int(size * 1.2), 200
    deadline = height - 56  # the middle of its line
    title = [(64, y + step * number, line, _font(True, size), "la") for number, line in enumerate(lines)]
    y += step * len(lines)
    if plan.people:
        title.append((64, y + 16, textwrap.shorten(plan.people, 60, placeholder=" …"), _font(False, 32), "la"))
    blocks = [
        (MUTED, 110, 190, [(64, 150, plan.kicker, _font(False, 30), "lm")]),
        (INK, 190, min(y + 16 + 2 * 32, deadline - 40), title),
    ]
    if plan.deadline:
        blocks.append(
            (DANGER, deadline - 40, height - BAR_HEIGHT, [(64, deadline, plan.deadline, _font(True, 32), "lm")])
        )
    return blocks


@functools.lru_cache(maxsize=4)
def _offsets(ramp: int) -> tuple[int, ...]:
    """A grey level's palette index in ``ramp``: paper stays 0."""
    return (0, *(ramp * LEVELS + level for level in range(1, LEVELS)), *([0] * (256 - LEVELS)))


def _indices(plan: CardPlan):
    """The card as palette indices: the blank card with each block of text, drawn by Pillow."""
    from PIL import Image

    image = _blank(plan.site_name).copy()
    for colour, top, bottom, lines in _lines(plan):
        block = Image.new("L", (CARD_SIZE[0], bottom - top))
        for x, y, text, font, anchor in lines:
            _draw(block, (x, y - top), text, font, anchor)
        ramp = RAMPS[colour]
        image.paste(block.point(_offsets(ramp)) if ramp else block, (0, top))
    return image


def _rgb(indices):
    indices.putpalette(PALETTE)
    return indices.convert("RGB")


def card_image(plan: CardPlan):
    """The card of ``plan``, as an RGB image, its text drawn by Pillow itself."""
    return _rgb(_indices(plan))


def encode_card(image) -> bytes:
    """``image`` as the card's JPEG: every group a restart interval, no metadata."""
    buffer = io.BytesIO()
    # Standard Huffman tables: a card fits its budget many times over (under 100 KB
    # for 290), and optimising them would cost a third of the card's time.
    image.save(buffer, "JPEG", quality=QUALITY, optimize=False, restart_marker_blocks=GROUP, exif=b"", icc_profile=None)
    return buffer.getvalue()


def _scan(data: bytes) -> tuple[bytes, list[bytes]]:
    """A JPEG's bytes up to its scan, and its scan's restart intervals."""
    start = data.index(_START_OF_SCAN)
    start += 2 + int.from_bytes(data[start + 2 : start + 4], "big")
    return data[:start], _RESTART.split(data[start : -len(_END)])


@functools.lru_cache(maxsize=4)
def _blank_jpeg(site_name: str) -> tuple[bytes, tuple[int, ...], tuple[int, ...]]:
    """The blank card's JPEG, and where each group's bytes start and end in it (the
    restart marker after a group, or the end of the image, is left where it is)."""
    data = encode_card(_rgb(_blank(site_name).copy()))
    starts = [len(_scan(data)[0])]
    ends = []
    for marker in _RESTART.finditer(data, starts[0]):
        ends.append(marker.start())
        starts.append(marker.end())
    ends.append(len(data) - len(_END))
    return data, tuple(starts), tuple(ends)


def _ink_rows(words: list) -> tuple[int, int]:
    """The first row of the words' ink, and the row after their last."""
    return min(box[1] for _, box in words), max(box[3] for _, box in words)


def _inked_stripes(blocks: list[tuple[int, list]]) -> list[int]:
    """The stripes of each block's text's bounding box (a block is one run of them,
    its blank rows between lines too: ``_stack`` places and colours it in one piece)."""
    stripes: set[int] = set()
    for _ramp, words in blocks:
        if words:
            top, bottom = _ink_rows(words)
            stripes.update(range(top // STRIPE, (bottom - 1) // STRIPE + 1))
    return sorted(stripes)


def _inked_groups(blocks: list[tuple[int, list]]) -> list[int]:
    """The groups some word's box touches, numbered in the card's order (stripe by stripe)."""
    groups: set[int] = set()
    for _ramp, words in blocks:
        for _image, (left, top, right, bottom) in words:
            for first in range(top // STRIPE * GROUPS, (bottom - 1) // STRIPE * GROUPS + 1, GROUPS):
                groups.update(range(first + left // GROUP_WIDTH, first + (right - 1) // GROUP_WIDTH + 1))
    return sorted(groups)


def _runs(stripes: list[int]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive stripes."""
    runs: list[tuple[int, int]] = []
    for stripe in stripes:
        if runs and runs[-1][1] == stripe - 1:
            runs[-1] = (runs[-1][0], stripe)
        else:
            runs.append((stripe, stripe))
    return runs


def _stack(site_name: str, blocks: list[tuple[int, list]], stripes: list[int]):
    """The inked stripes one under the other, as palette indices: the blank card's
    rows with the words in place (``_indices``, cropped)."""
    from PIL import Image

    width, height = CARD_SIZE
    stack = Image.new("L", (width, STRIPE * len(stripes)))
    place, rows = 0, []
    for first, last in _runs(stripes):
        top, bottom = first * STRIPE, (last + 1) * STRIPE
        if top < BAND_HEIGHT or bottom > height - BAR_HEIGHT:
            stack.paste(_blank(site_name).crop((0, top, width, bottom)), (0, place))
        rows.append((top, bottom, place))
        place += bottom - top
    for ramp, words in blocks:
        if not words:
            continue
        top, bottom = _ink_rows(words)
        start, place = next((start, place) for start, end, place in rows if start <= top < end)
        for image, box in words:
            stack.paste(image, (box[0], box[1] - start + place))
        if ramp:  # the block's grey levels, in its colour (its rows have no other ink)
            area = (0, top - start + place, width, bottom - start + place)
            stack.paste(stack.crop(area).point(_offsets(ramp)), area)
    return stack


def _packed(stack, stripes: list[int], groups: list[int]):
    """The inked groups of ``stack`` (its stripes one under the other) side by side in
    the card's order, ``GROUPS`` a row: each group a restart interval of its own."""
    from PIL import Image

    places = {stripe: number * STRIPE for number, stripe in enumerate(stripes)}
    packed = Image.new("L", (CARD_SIZE[0], STRIPE * -(-len(groups) // GROUPS)))
    # Pillow's core images (``.im``): crop and paste without Image's checks, ten times faster.
    source, target, spot = stack.im, packed.im, 0
    for first, last in _runs(groups):
        while first <= last:  # a piece within one stripe and one row of the packed image
            stripe, column = divmod(first, GROUPS)
            count = min(last + 1 - first, GROUPS - column, GROUPS - spot % GROUPS)
            left, top, width = column * GROUP_WIDTH, places[stripe], count * GROUP_WIDTH
            x, y = spot % GROUPS * GROUP_WIDTH, spot // GROUPS * STRIPE
            target.paste(source.crop((left, top, left + width, top + STRIPE)), (x, y, x + width, y + STRIPE))
            first, spot = first + count, spot + count
    return packed


def _spliced(site_name: str, blocks: list[tuple[int, list]]) -> bytes:
    """The blank card's JPEG with the groups the text touches encoded anew: a group's
    bytes depend on its pixels alone (the coder starts afresh at each restart marker),
    and its marker, numbered by its place in the card, is the blank's."""
    data, starts, ends = _blank_jpeg(site_name)
    groups = _inked_groups(blocks)
    if not groups:
        return data
    stripes = _inked_stripes(blocks)
    packed = _packed(_stack(site_name, blocks, stripes), stripes, groups)
    fresh = _scan(encode_card(_rgb(packed)))[1][: len(groups)]  # (the last row's spare groups left)
    out, end = [], 0
    for group, interval in zip(groups, fresh, strict=True):
        out += (data[end : starts[group]], interval)
        end = ends[group]
    out.append(data[end:])
    return b"".join(out)


def draw_card(plan: CardPlan) -> bytes:
    """A 1200 × 630 share card of an action without a photo: the site's name on its
    yellow band, the case and country, the title, the people, the deadline."""
    blocks = _placed_words(plan)
    if blocks is None:  # text Pillow must draw itself (right to left, overlapping lines)
        data = encode_card(card_image(plan))
    else:
        data = _spliced(plan.site_name, blocks)
    if len(data) > plan.max_bytes:  # never seen (under 100 KB for 290): lower the quality
        return smallest_fitting(card_image(plan), "jpeg", QUALITY - 10, plan.max_bytes)
    return data

"""The actions' photos as the site publishes them: sized copies, share cards, edition copies.

An editor's file is never published: it may carry a GPS position, the
phone's serial number, and 12 MB for a picture shown 360 px wide. Each photo
becomes a few copies (``render/images.py`` makes them upright, in sRGB,
without metadata): WebP in the widths of :data:`WIDTHS` for the page's
``<picture>``, with JPEG beside them for browsers and mail clients without
WebP. Every action gets a share card (1200 × 630): its photo, cropped around
``image_focus``, or its case, country, title and deadline drawn in the
site's style.

A copy's key is its photo's digest and its own parameters, never the
action's: an edit of the text does not encode the photo again, and two
actions with one photo share its copies.
"""

from __future__ import annotations

import dataclasses
import os

from .. import urls
from ..content import wording
from .build import Build
from .keys import fingerprint
from .outputs import CARD, IMAGE, CardPlan, ImagePlan, Output

# Widths of the page's copies: a 360 px phone at 1× and 2×, a tablet, and the
# page's column at 2× (46rem less its padding: 704 CSS px).
WIDTHS = (360, 720, 1080, 1400)
SIZES = "(min-width: 46rem) 704px, calc(100vw - 2rem)"
# (extension, MIME type, quality): WebP first (30 % smaller than JPEG at the
# same look). No AVIF yet: with Pillow 13 (libavif 1.4, speed 8, the PSNR of
# WebP 75), a photograph's 360 and 720 px copies were 25 and 18 % smaller than
# WebP's but took 41 and 131 ms to encode instead of 9 and 37, for every photo
# of a full build.
FORMATS = (("webp", "image/webp", 75), ("jpeg", "image/jpeg", 80))
# The email's and the postal PDF's copy: the largest JPEG at most this wide.
EDITION_WIDTH = 1200
# No copy weighs more: at most 200 KB up to the edition's width (the email's
# JPEG is one of them), 400 KB beyond (what a wide screen at 2x asks for).
MAX_BYTES, WIDE_MAX_BYTES = 200_000, 400_000
CARD_WIDTH, CARD_HEIGHT = 1200, 630
CARD_MAX_BYTES = 290_000


@dataclasses.dataclass(frozen=True)
class Copy:
    """One copy of a photo: where it goes and how it is made."""

    save_as: str
    mime: str
    plan: ImagePlan


def copies(build: Build, action) -> list[Copy]:
    """The page's copies of ``action``'s photo, narrowest first, WebP then JPEG for each width."""
    info, source = action.image_info, action.front.image
    if info is None:
        return []
    widths = sorted({min(width, info.width) for width in WIDTHS})
    path = os.path.join(build.content_root, source)
    return [
        Copy(
            urls.photo_variant(source, info.digest, width, extension),
            mime,
            ImagePlan(
                path,
                width,
                max(1, round(width * info.height / info.width)),
                extension,
                quality,
                MAX_BYTES if width <= EDITION_WIDTH else WIDE_MAX_BYTES,
            ),
        )
        for width in widths
        for extension, mime, quality in FORMATS
    ]


def picture(build: Build, action) -> dict | None:
    """What the action page's ``<picture>`` shows: one ``srcset`` per format, the JPEG
    fallback's ``src``, its intrinsic width and height (no jump as it loads), ``sizes``."""
    found = copies(build, action)
    if not found:
        return None
    base = build.siteurl
    sources = []
    for _extension, mime, _quality in FORMATS:
        same = [c for c in found if c.mime == mime]
        sources.append({"type": mime, "srcset": ", ".join(f"{base}/{c.save_as} {c.plan.width}w" for c in same)})
    fallback = edition_copy(build, action)
    return {
        "sources": sources,
        "src": f"{base}/{fallback.save_as}",
        "width": action.image_info.width,
        "height": action.image_info.height,
        "sizes": SIZES,
    }


def edition_copy(build: Build, action) -> Copy | None:
    """The JPEG copy the email links and the postal PDF prints: the widest at most
    :data:`EDITION_WIDTH` px."""
    jpeg = [c for c in copies(build, action) if c.mime == "image/jpeg" and c.plan.width <= EDITION_WIDTH]
    return jpeg[-1] if jpeg else None


def card_crop(width: int, height: int, focus) -> tuple[float, float, float, float]:
    """The part of a ``width`` × ``height`` photo the share card keeps: the card's
    proportions, centred on ``focus`` ([x, y] fractions; the middle by default) as
    far as the photo's edges allow."""
    fx, fy = focus or (0.5, 0.5)
    ratio = CARD_WIDTH / CARD_HEIGHT
    if width / height > ratio:
        part = height * ratio / width
        left = min(max(fx - part / 2, 0.0), 1.0 - part)
        return (left, 0.0, left + part, 1.0)
    part = width / ratio / height
    top = min(max(fy - part / 2, 0.0), 1.0 - part)
    return (0.0, top, 1.0, top + part)


def share_card(build: Build, action) -> dict:
    """The share card's absolute URL, size, type and description (og:image)."""
    return {
        "url": f"{build.absolute_url}/{urls.share_card(action.slug)}",
        "width": CARD_WIDTH,
        "height": CARD_HEIGHT,
        "type": "image/jpeg",
        "alt": action.front.image_alt if action.image_info else action.front.title,
    }


def card_output(build: Build, action) -> Output:
    """The share card of ``action``: from its photo, or drawn from its text."""
    save_as, info, front = urls.share_card(action.slug), action.image_info, action.front
    if info is not None:
        crop = card_crop(info.width, info.height, front.image_focus)
        path = os.path.join(build.content_root, front.image)
        plan = ImagePlan(path, CARD_WIDTH, CARD_HEIGHT, "jpeg", 80, CARD_MAX_BYTES, crop)
        return Output(save_as, maker=IMAGE, plan=plan, key=fingerprint("card", info.digest, _parameters(plan)))
    deadline = ""
    if front.state == "open" and front.deadline:
        date = wording.long_date(front.deadline, build.ua["UA_LANGUAGE"])
        deadline = build.gettext("Agissez avant le %(date)s", date=date)
    plan = CardPlan(
        site_name=build.settings.get("SITENAME", ""),
        kicker=f"{front.case} · {action.country_name}",
        title=front.title,
        people=", ".join(front.people),
        deadline=deadline,
        max_bytes=CARD_MAX_BYTES,
    )
    # Its bytes are the plan's: the plan is the key (site-wide inputs are in every key).
    return Output(save_as, maker=CARD, plan=plan, key=fingerprint("drawn-card", plan))


def _parameters(plan: ImagePlan) -> tuple:
    """A plan without its source's path: the digest stands for the photo's bytes."""
    return dataclasses.astuple(dataclasses.replace(plan, source=""))


def outputs(build: Build):
    """Every copy of every photo the site's actions show (once each), and every share card."""
    planned = set()
    for action in build.site.actions:
        for copy in copies(build, action):
            if copy.save_as not in planned:
                planned.add(copy.save_as)
                key = fingerprint("photo", action.image_info.digest, _parameters(copy.plan))
                yield Output(copy.save_as, maker=IMAGE, plan=copy.plan, key=key)
        yield card_output(build, action)

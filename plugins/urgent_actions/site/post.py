"""The postal edition: one PDF a month of the actions chosen for the post.

An action with ``post: true`` goes into the mailing of the month of its
``date``. The PDF (``/envois/courrier-<yyyy>-<mm>.pdf``) has a cover page (the
month, its actions, how to send, postage by zone from ``UA_POSTAGE``), then
for each action a one-page case sheet with a QR code to its short address,
and its letters for a window envelope (the ``letter-sheet`` component and
``letter-sheet.css``: the printed letter's layout, which the PDF reads
inline). WeasyPrint makes it with Pango's fonts, embedded.

A mailing is made while one of its actions is open; its key is exactly its
selection (each chosen action's file), so it is made again only when that
changed.
"""

from __future__ import annotations

import datetime as dt

from .. import urls
from ..content.errors import Problem
from ..content.letters import compose
from . import photos
from .act import postage_for
from .build import Build
from .keys import fingerprint
from .outputs import PDF, Output, PdfPlan
from .shortlinks import short_url


def chosen(build: Build) -> list:
    """Listed actions with ``post: true``, newest first."""
    return [a for a in build.site.listed if a.front.post]


def month_of(action) -> str:
    return action.front.date.strftime("%Y-%m")


def mailings(build: Build) -> dict[str, list]:
    """Month ('2026-11') -> its chosen actions, oldest first; only the months
    with an action still open (the others were sent)."""
    months: dict[str, list] = {}
    for action in chosen(build):
        months.setdefault(month_of(action), []).append(action)
    today = build.build_date
    return {
        month: sorted(actions, key=lambda a: a.sort_key)
        for month, actions in sorted(months.items(), reverse=True)
        if any(a.display_state(today) == "open" for a in actions)
    }


def deadline_problems(build: Build) -> list[Problem]:
    """Chosen actions whose readers would have too little time (a warning, which
    ``--fatal warnings`` and ``check`` make an error)."""
    weeks = build.ua["UA_POST_MIN_WEEKS"]
    found = []
    for action in chosen(build):
        front = action.front
        if front.deadline is not None and front.deadline - front.date < dt.timedelta(weeks=weeks):
            days = (front.deadline - front.date).days
            message = (
                f"the deadline {front.deadline.isoformat()} is {days} days after the date "
                f"{front.date.isoformat()}: a postal mailing needs at least {weeks} weeks "
                "(choose another action, or remove 'post: true')"
            )
            found.append(Problem(action.source_path, "post", message))
    return found


def letters_to_post(action) -> list[tuple]:
    """(target, ComposedLetter) for each target with a postal address: the
    default letter, and the letter in the authorities' language when there is
    one (a letter marked ``preferred``, or else in an official language of the
    action's country): the member signs the one they choose."""
    from babel.languages import get_official_languages

    front = action.front
    chosen_letters = [front.letters[0]]
    official = set(get_official_languages(front.country, de_facto=True))
    theirs = next((x for x in front.letters[1:] if getattr(x, "preferred", False)), None) or next(
        (x for x in front.letters[1:] if x.language in official), None
    )
    if theirs is not None:
        chosen_letters.append(theirs)
    return [
        (target, compose(letter, target.salutation))
        for target in front.targets
        if target.address
        for letter in chosen_letters
    ]


def qr_svg(url: str) -> str:
    """A QR code of ``url`` as an inline SVG (segno, error correction M)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4, dark="#000", light="#fff")


def mailing_context(build: Build, month: str, actions: list) -> dict:
    """The context of the ``post/mailing`` template (printed to PDF by the renderer)."""
    year, number = (int(x) for x in month.split("-"))
    home = build.ua["UA_HOME_COUNTRY"]
    sheets = []
    for action in actions:
        url = short_url(build, action)
        letters = letters_to_post(action)
        # Each letter at the zone of its own address (the print page's postage).
        targets = list({id(target): target for target, _ in letters}.values())
        postage = [(target, postage_for(target, action.front.country, home)) for target in targets]
        image = photo_data_url(build, action)
        sheets.append({"action": action, "short_url": url, "qr": qr_svg(url), "letters": letters,
                       "postage": postage, "zones": {p.zone for _, p in postage}, "image": image})  # fmt: skip
    return {
        "month": dt.date(year, number, 1),
        "sheets": sheets,
        "postage": build.ua["UA_POSTAGE"],
        "page_name": "post-mailing",
    }


def _photo_digest(action) -> str:
    return action.image_info.digest if action.image_info else ""


def photo_data_url(build: Build, action) -> str | None:
    """The action's photo as a data: URL of its edition copy (a JPEG without metadata;
    a file: URL would write the checkout's path into the PDF), or None."""
    import base64

    copy = photos.edition_copy(build, action)
    if copy is None:
        return None
    return f"data:image/jpeg;base64,{base64.b64encode(build.photo_bytes(copy.plan)).decode('ascii')}"


def outputs(build: Build):
    for month, actions in mailings(build).items():
        yield Output(
            urls.mailing_pdf(month),
            template="post/mailing",
            context=lambda month=month, actions=actions: mailing_context(build, month, actions),
            maker=PDF,
            plan=PdfPlan(identifier=fingerprint("post", month).encode()[:32]),
            # Exactly its inputs: the chosen actions' files and photos (site-wide inputs are in every key).
            key=fingerprint("post-mailing", month, [(a.slug, a.source_digest, _photo_digest(a)) for a in actions]),
        )

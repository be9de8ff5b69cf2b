"""The email edition of an action: HTML made for mail clients, and its plain text.

The HTML is one 600 px column of tables that also reads at 320 px, written by
the ``email/action.html`` template with a style sheet that the renderer's
``email`` maker (css-inline) moves into ``style`` attributes (mail clients
drop ``<style>`` or parts of it). The letter is the composed one
(``content.letters.compose``, through ``act.ways_for``), as on the action's page. Merge tags (unsubscribe link,
the member's name) are the email service's, from the settings
(``settings.email_merge_tags``): nothing in the templates names a service.

Files: ``/envois/<slug>/courriel.html`` and ``courriel.txt``; the RSS feed
``/feeds/courriel.rss.xml`` carries the same HTML without the greeting and
footer (the service's own template gives those).

The interface text of both parts goes through gettext in the build's language
(``build.gettext``, new-style placeholders as in the templates): a catalogue
in ``theme/translations/`` translates the email without touching this code.
"""

from __future__ import annotations

import re
import textwrap

from .. import urls
from ..content.letters import normalise_text
from ..settings import email_merge_tags
from . import photos
from .act import ways_for
from .build import Build
from .keys import fingerprint
from .outputs import EMAIL, Output
from .sending import with_email

# The width of what sits inside the column's padding.
INNER = 536
TEXT_WIDTH = 72
# The email's HTML: one template, its style sheet inlined (``Output.maker`` EMAIL).
TEMPLATE = "email/action"


def subject_of(build: Build, action) -> str:
    """The email's subject line."""
    _ = build.gettext
    # Whole sentences, not a prefix: the punctuation before the title is the language's.
    if action.front.state == "good-news":
        return _("Bonne nouvelle : %(title)s", title=action.front.title)
    return _("Action urgente : %(title)s", title=action.front.title)


def image_of(build: Build, action) -> dict | None:
    """The action's image for the email: the absolute URL of its edition copy (a JPEG
    without metadata, :func:`photos.edition_copy`), width, height, alt."""
    copy = photos.edition_copy(build, action)
    if copy is None:
        return None
    shown = min(INNER, copy.plan.width)
    return {
        "src": f"{build.absolute_url}/{copy.save_as}",
        "width": shown,
        "height": round(copy.plan.height * shown / copy.plan.width),
        "alt": action.front.image_alt,
        "credit": action.front.image_credit,
    }


def html_context(build: Build, action, merge: dict | None = None, for_feed: bool = False) -> dict:
    """The context of the ``email/action`` template (its style sheet is inlined by
    the renderer): a whole document, or for the feed without greeting nor footer."""
    merge = merge or email_merge_tags(build.ua)
    ways = ways_for(action) if action.front.state == "open" else []
    return {
        "action": action,
        "ways": ways,
        # The letter as the action's page shows it (composed once, in content.letters).
        "letter": action.model_letters[0] if ways and action.front.letters else None,
        "merge": merge,
        "for_feed": for_feed,
        "subject": subject_of(build, action),
        "absolute": build.absolute_url,
        "action_url": f"{build.absolute_url}/{action.url}",
        "image": image_of(build, action),
        "email_targets": [w for w in ways if w.authority.emails],
        "steps": steps(build, action) if ways else [],
    }


def feed_html(build: Build, action) -> str:
    """The email's HTML as the email feed carries it, styles inlined: the content
    of its ``<body>``, without greeting nor footer (the service's template gives those)."""
    html = build.render_email(TEMPLATE, **html_context(build, action, for_feed=True))
    return re.search(r"<body[^>]*>(.*)</body>", html, re.DOTALL).group(1).strip()


def _wrap(text: str, indent: str = "") -> str:
    """Paragraphs wrapped for reading in a plain-text client (URLs never cut)."""
    lines = []
    for line in text.split("\n"):
        lines.append(
            textwrap.fill(line, TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False) or indent.rstrip()
        )  # fmt: skip
    return "\n".join(lines)


def render_text(build: Build, action, merge: dict | None = None) -> str:
    """The plain-text part, with the same content as the HTML.

    Headings are the HTML's, upper-cased here rather than in the catalogue.
    """
    _ = build.gettext
    merge = merge or email_merge_tags(build.ua)
    front = action.front
    org = build.ua["UA_ORGANISATION"]
    url = f"{build.absolute_url}/{action.url}"
    out = [merge["greeting"], "", subject_of(build, action).upper(), "", f"{front.case} · {action.country_name}", ""]
    out += [_wrap(front.summary), ""]
    if front.state == "good-news":
        out += [_wrap(front.outcome.text), ""]
    out += [_wrap(_markdown_text(action.body_html)), ""]
    if front.state == "open":
        from babel.dates import format_date

        deadline = format_date(front.deadline, format="long", locale=build.ua["UA_LANGUAGE"])
        out += [_("Agissez avant le %(date)s", date=deadline).upper(), ""]
        out += [_("Ce que vous pouvez faire").upper(), ""]
        out += [_wrap(step, "  ") for step in steps(build, action)] + [""]
        ways = ways_for(action)
        letter = action.model_letters[0]
        out += [_("La lettre").upper(), "", _("Objet : %(subject)s", subject=letter.subject), ""]
        for paragraph in letter.paragraphs:
            out += [_wrap(paragraph), ""]
        out += [merge["name"] or _("Votre nom"), ""]
        with_email = [w for w in ways if w.authority.emails]
        if with_email:
            out += [_("À qui écrire").upper(), ""]
            for way in with_email:
                who = way.authority.name + (f" ({way.authority.role})" if way.authority.role else "")
                out += ["- " + _("%(name)s : %(addresses)s", name=who, addresses=", ".join(way.authority.emails))]
            copies = [e for c in front.copies for e in c.emails]
            if copies:
                out += ["- " + _("En copie : %(addresses)s", addresses=", ".join(copies))]
            out += [""]
        out += [_("Agir sur le site : %(url)s", url=url), ""]
    else:
        out += [_("Lire sur le site : %(url)s", url=url), ""]
    out += ["-- ", org["name"]]
    if org.get("address"):
        out.append(org["address"])
    out += [_wrap(_("Vous recevez ce courriel parce que vous avez rejoint le réseau des actions urgentes.")),
            _("Se désinscrire : %(url)s", url=merge["unsubscribe"])]  # fmt: skip
    return "\n".join(out).rstrip("\n") + "\n"


def steps(build: Build, action) -> list[str]:
    """What to do, as numbered sentences (both parts show them)."""
    _ = build.gettext
    front = action.front
    found = []
    if any(t.emails for t in front.targets):
        found.append(_("Envoyez la lettre ci-dessous par courriel à chaque destinataire (les adresses suivent la lettre), "
                       "en la signant de votre nom."))  # fmt: skip
    if any(t.address for t in front.targets):
        found.append(_("Ou imprimez-la depuis le site et envoyez-la par la poste."))
    found.append(_("Parlez-en autour de vous : chaque message compte."))
    return [f"{number}. {sentence}" for number, sentence in enumerate(found, start=1)]


_TAG = re.compile(r"<[^>]+>")


def _markdown_text(html: str) -> str:
    """The case's text (rendered Markdown) as plain text paragraphs."""
    from html import unescape

    text = re.sub(r"</(p|h[1-6]|li|ul|ol|blockquote)>", "\n\n", html)
    text = re.sub(r"<li[^>]*>", "- ", text)
    text = re.sub(r"<br\s*/?>", "\n", text)
    text = unescape(_TAG.sub("", text))
    return normalise_text(re.sub(r"\n{3,}", "\n\n", text))


def outputs(build: Build):
    for action in with_email(build):
        # An email shows its action and nothing that depends on the date (no
        # "days left": it is read days after it is sent).
        key = fingerprint("email", action.slug, action.source_digest)
        context = lambda a=action: html_context(build, a)
        yield Output(urls.email_html(action.slug), template=TEMPLATE, context=context, maker=EMAIL, key=key)
        yield Output(urls.email_text(action.slug), render=lambda a=action: render_text(build, a), key=key)

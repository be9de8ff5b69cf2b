"""The email edition of an action: HTML made for mail clients, and its plain text.

The HTML is one 600 px column of tables that also reads at 320 px, written by
the ``email/action.html`` template with a style sheet that the renderer's
``email`` maker (css-inline) moves into ``style`` attributes (mail clients
drop ``<style>`` or parts of it). The letter is the composed one
(``content.letters.compose``, through ``build.ways``), as on the action's page. Merge tags (unsubscribe link,
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
from ..content import wording
from ..content.letters import normalise_text
from ..content.typography import NBSP, french_spacing
from ..settings import email_merge_tags
from . import photos
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
    ways = build.ways(action) if action.front.state == "open" else []
    return {
        "action": action,
        "ways": ways,
        # Each recipient's own letters (composed once, in content.letters).
        "recipients": recipients(build, action) if ways and action.front.letters else [],
        "preference": preference(build, action),
        "by_post": by_post(build),
        "merge": merge,
        "for_feed": for_feed,
        "subject": subject_of(build, action),
        "absolute": build.absolute_url,
        "action_url": f"{build.absolute_url}/{action.url}",
        "image": image_of(build, action),
        "steps": steps(build, action) if ways else [],
    }


def _language_name(build: Build, code: str) -> str:
    from babel import Locale

    return Locale.parse(build.ua["UA_LANGUAGE"]).languages.get(code, code)


def preference(build: Build, action) -> str | None:
    """The sentence that says which language the authorities prefer, if any."""
    preferred = next((letter for letter in action.front.letters if letter.preferred), None)
    if preferred is None:
        return None
    name = _language_name(build, preferred.language)
    return build.gettext("Les autorités préfèrent recevoir la lettre en %(language)s.", language=name)


def recipients(build: Build, action) -> list[dict]:
    """Each target with an email or a postal address: its name, addresses and its
    own letters (its salutation), the authorities' preferred language first, each
    labelled; ``by_post`` for a target without email, whose letters are printed
    (``print_url``, absolute: the site's printable letter), and ``brief`` when
    another recipient's letters already give their text: then its salutation
    and the link to print it are enough."""
    _ = build.gettext
    letters = action.front.letters
    order = sorted(range(len(letters)), key=lambda index: not letters[index].preferred)
    found = []
    emailed = any(target.emails for target in action.front.targets)
    for way in build.ways(action):
        if not way.authority.emails and not way.authority.address:
            continue
        labelled = []
        for index in order:
            name = _language_name(build, letters[index].language)
            label = (
                _("Lettre en %(language)s, la langue que préfèrent les autorités", language=name)
                if letters[index].preferred
                else _("Lettre en %(language)s", language=name)
            )
            printed = way.letters[index].print_url
            labelled.append(
                {"label": label, "way": way.letters[index], "print_url": printed and f"{build.absolute_url}/{printed}"}
            )
        post = not way.authority.emails
        found.append({"authority": way.authority, "letters": labelled, "by_post": post, "brief": post and emailed})
    return found


def by_post(build: Build) -> str:
    """The sentence that says a recipient is written to by post."""
    return build.gettext(
        "Cette autorité n'a pas d'adresse électronique : écrivez-lui par la poste. "
        "Imprimez sa lettre depuis le site (elle porte sa formule d'appel et son adresse), "
        "signez-la et envoyez-la à l'adresse ci-dessus."
    )


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
    French text gets its no-break spaces here (U+00A0, which every plain-text
    client's font has); the letters, in their own languages, in :func:`_text_recipients`.
    """
    _ = build.gettext
    say = _spacing(build.ua["UA_LANGUAGE"])
    merge = merge or email_merge_tags(build.ua)
    front = action.front
    org = build.ua["UA_ORGANISATION"]
    url = f"{build.absolute_url}/{action.url}"
    out = [
        merge["greeting"],
        "",
        say(subject_of(build, action).upper()),
        "",
        f"{front.case} · {action.country_name}",
        "",
    ]
    out += [_wrap(say(front.summary)), ""]
    if front.state == "good-news":
        out += [_wrap(say(front.outcome.text)), ""]
    out += [_wrap(say(_markdown_text(action.body_html))), ""]
    if front.state == "open":
        deadline = wording.long_date(front.deadline, build.ua["UA_LANGUAGE"])
        out += [_("Agissez avant le %(date)s", date=deadline).upper(), ""]
        out += [_("Ce que vous pouvez faire").upper(), ""]
        out += [_wrap(say(step), "  ") for step in steps(build, action)] + [""]
        out += _text_recipients(build, action, merge)
        out += [say(_("Agir sur le site : %(url)s", url=url)), ""]
    else:
        out += [say(_("Lire sur le site : %(url)s", url=url)), ""]
    out += ["-- ", org["name"]]
    if org.get("address"):
        out.append(org["address"])
    out += [_wrap(say(_("Vous recevez ce courriel parce que vous avez rejoint le réseau des actions urgentes."))),
            say(_("Se désinscrire : %(url)s", url=merge["unsubscribe"]))]  # fmt: skip
    return "\n".join(out).rstrip("\n") + "\n"


def _spacing(language: str):
    """French typography for plain text in ``language`` (nothing for another)."""
    if language.startswith("fr"):
        return lambda text: french_spacing(text, NBSP)
    return lambda text: text


def _text_recipients(build: Build, action, merge: dict) -> list[str]:
    """The text part's letters: each recipient, its addresses, its own letters."""
    _ = build.gettext
    found = recipients(build, action)
    if not found:
        return []
    say = _spacing(build.ua["UA_LANGUAGE"])
    out = [_("À qui écrire").upper(), ""]
    sentence = preference(build, action)
    if sentence:
        out += [_wrap(say(sentence)), ""]
    for number, recipient in enumerate(found, start=1):
        target = recipient["authority"]
        who = target.name + (f", {target.role}" if target.role else "")
        if recipient["by_post"]:
            out += [f"{number}. {who}".upper(), *target.address_lines, "", _wrap(say(by_post(build))), ""]
        else:
            out += [f"{number}. {who}".upper(), ", ".join(target.emails), ""]
        for labelled in recipient["letters"]:
            letter = labelled["way"].letter
            out += [f"--- {labelled['label']} ---", ""]
            if recipient["by_post"]:  # its salutation, and the letter to print with it
                out += [
                    letter.salutation or "",
                    "",
                    say(_("Imprimer cette lettre : %(url)s", url=labelled["print_url"])),
                ]
                out += [""]
                continue
            spaced = _spacing(letter.language)
            out += [say(_("Objet : %(subject)s", subject=letter.subject)), ""]
            for paragraph in letter.paragraphs:
                out += [_wrap(spaced(paragraph)), ""]
            out += [merge["name"] or letter.words["name"], ""]
    copies = [e for c in action.front.copies for e in c.emails]
    if copies:
        out += [say(_("En copie : %(addresses)s", addresses=", ".join(copies))), ""]
    return out


def steps(build: Build, action) -> list[str]:
    """What to do, as numbered sentences (both parts show them)."""
    _ = build.gettext
    front = action.front
    found = []
    if any(t.emails for t in front.targets):
        found.append(_("Envoyez par courriel à chaque destinataire la lettre qui lui est adressée ci-dessous, "
                       "dans la langue de votre choix, en la signant de votre nom."))  # fmt: skip
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
        # "days left": it is read days after it is sent), and its photo's copy.
        photo = action.image_info.digest if action.image_info else ""
        key = fingerprint("email", action.slug, action.source_digest, photo)
        context = lambda a=action: html_context(build, a)
        yield Output(urls.email_html(action.slug), template=TEMPLATE, context=context, maker=EMAIL, key=key)
        yield Output(urls.email_text(action.slug), render=lambda a=action: render_text(build, a), key=key)

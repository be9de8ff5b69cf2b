"""French spacing of HTML: the fast function gives, byte for byte, what the first one gave.

``reference`` below is the function as it was before it was made fast (it
walked every tag in Python), with one addition since: the attributes people
read (title, alt, aria-label, the meta descriptions) of French elements are
spaced too. It is kept here as the specification. The new one must agree with
it on every page and email of the sample site (as built, and with their
no-break spaces turned back into spaces, as the templates write them), on
hand-written hostile snippets, and on generated documents that mix every kind
of token.
"""

from __future__ import annotations

import random
import re

import pytest

from urgent_actions.content.typography import NBSP, NNBSP, french_spacing, french_spacing_html

_TOKEN = re.compile(r"<!--.*?-->|<![^>]*>|<(/?)([a-zA-Z][\w-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
_LANG = re.compile(r"""(?<![\w-])lang\s*=\s*["']?([\w-]*)""", re.IGNORECASE)
_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
_RAW = frozenset({"script", "style", "pre", "code", "textarea", "kbd", "samp"})
_READABLE = {"title", "alt", "aria-label", "aria-description", "placeholder"}
_META = {"description", "og:title", "og:description", "og:image:alt", "og:site_name", "twitter:title",
         "twitter:description", "twitter:image:alt"}  # fmt: skip
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|[^\s"'=<>`]+))?""")


def reference_attributes(tag: str, attributes: str, space: str) -> str:
    """A start tag's ``attributes`` with the values people read spaced."""
    found = [(m.group(1).lower(), m) for m in _ATTRIBUTE.finditer(attributes)]
    values = {name: (m.group(2) if m.group(2) is not None else m.group(3)) for name, m in found}
    readable = set(_READABLE)
    if tag == "meta" and (values.get("name") or values.get("property") or "").lower() in _META:
        readable.add("content")
    out, position = "", 0
    for name, m in found:
        group = 2 if m.group(2) is not None else 3
        if name in readable and m.group(group) is not None:
            out += attributes[position : m.start(group)] + french_spacing(m.group(group), space)
            position = m.end(group)
    return out + attributes[position:]


def reference(html: str, language: str = "", space: str = NNBSP) -> str:
    """french_spacing_html as it was (commit 370f586), tag by tag, with the readable attributes."""
    out, position = [], 0
    stack: list[tuple[str, str, bool]] = [("", language, False)]  # (tag, language, raw)
    for match in _TOKEN.finditer(html):
        text = html[position : match.start()]
        _, current, raw = stack[-1]
        out.append(french_spacing(text, space) if text and not raw and current.startswith("fr") else text)
        position = match.end()
        closing, tag, attributes = match.group(1), (match.group(2) or "").lower(), match.group(3) or ""
        if tag and not closing:
            own = _LANG.search(attributes)
            if (own.group(1).lower() if own else current).startswith("fr"):
                out.append(f"<{match.group(2)}{reference_attributes(tag, attributes, space)}>")
            else:
                out.append(match.group(0))
        else:
            out.append(match.group(0))
        if not tag:
            continue
        if closing:
            names = [entry[0] for entry in stack]
            if tag in names[1:]:
                del stack[len(names) - 1 - names[::-1].index(tag) :]
        elif tag not in _VOID and not attributes.rstrip().endswith("/"):
            lang = _LANG.search(attributes)
            stack.append((tag, lang.group(1).lower() if lang else current, raw or tag in _RAW))
    text = html[position:]
    out.append(french_spacing(text, space) if stack[-1][1].startswith("fr") and not stack[-1][2] else text)
    return "".join(out)


def assert_same(html: str) -> None:
    for language in ("", "fr", "en"):
        for space in (NNBSP, NBSP):
            assert french_spacing_html(html, language, space) == reference(html, language, space), (language, html)


HOSTILE = [
    "",
    "Bonjour : rien ici",
    '<html lang="fr"><p title="Objet : « x »" data-x=\'a:b « c\'>Objet : « citation »</p></html>',
    '<html lang="fr"><a href="https://example.org/?q=a:b;c" aria-label="Lien : ici">https://example.org ! 10:30</a>',
    '<html lang="fr"><pre>a : b ; « c »</pre> d : e <code>f : g</code> h ! <kbd>Ctrl ?</kbd> <samp>x ;</samp>',
    '<html lang="fr"><textarea>a : b</textarea><script>if (a < b) { x = c ? d : e; }</script> fin : oui',
    '<html lang="fr"><style>a :hover { content: "« »" }</style><p>texte : « mot »</p>',
    '<html lang="fr"><p>déjà\u00a0: ok\u202f! « déjà\u00a0» et\u00a0\u00a0; double</p>',
    '<html lang="fr"><p>&nbsp;: entité &laquo; x &raquo; « y »</p>',
    '<html lang="fr"><section lang="en"><p>Dear Minister : « x »</p><p lang="fr">Objet : oui</p></section> fin : oui',
    '<html lang="fr"><div lang="ar" dir="rtl"><p>السيد الوزير : « x »</p></div><p>retour : fr ?</p>',
    '<html lang="fr"><div lang=en>unquoted : x</div><div LANG="EN-gb">upper : x</div><div xml:lang="en">xml : x</div>',
    '<html lang="fr"><div hreflang="en">not a lang : x</div><div title="lang=en">in a value : x</div>',
    '<html lang="fr"><p>unclosed : a<p>second : b</div> after : c</html> outside : d',
    '<html lang="fr"><ul><li>one : a<li>two : b</ul></li></p> stray end : c',
    '<html lang="fr"><br>br : a</br><div/>self : b</div><img src="a>b.png" alt="x : y"> img : c',
    '<HTML LANG="FR"><P>Majuscules : oui</p><DIV Lang="En">English : no</DIV></HTML>',
    '<html lang="fr"><!-- commentaire : « x » <p lang="en"> --><p>après : oui</p>',
    '<html lang="fr"><!doctype html><![CDATA[ x : y ]]> z : w',
    '<html lang="fr">a < b : c <1 : d </ : e <-x> : f <!- g : h',
    '<html lang="fr"><p title="unclosed : x>y : z</p>',
    "<html lang='fr'><p title='a \"b\" : c'>single : quotes</p>",
    '<html lang="fr"><div lang="fr-BE">belge : oui<span lang="">vide : non</span></div>',
    '<html lang="en"><p>English : no</p><p lang="fr">Français : oui</p></html>',
    '<p lang="fr">pas de html : oui</p> dehors : non',
    '<html lang="fr"><code lang="fr">code : non</code><pre><b>gras : non</b></pre> après : oui',
    '<html lang="fr"><div / >espace : a</div ><div/ >b : c</div>',
    '<html lang="fr"><div lang="en"><div / >x</div> self-closed with a space : a</div> b : c',
    '<html lang="fr"><div lang="en"><div/>x</div> self-closed : a</div> b : c',
    '<html lang="fr"><x-y lang="en">custom : a</x-y><lang=en>odd : b</lang>',
    '<html lang="fr">\x00 nul : a \x00 « b »',
    '<html lang="fr"><p>\t: tab ;\n: newline « \n» fin</p>',
    '<html lang="fr"><p>«»« » »« x»y «z</p>',
    '<html lang="fr"><img alt="Photo : « x »" title=\'Titre : oui\' data-note="non : pas lu" ALT="upper ?">',
    '<html lang="fr"><a aria-label="Lien : x" title=unquoted:y href="/a : b">t</a><p lang="en" title="en : no">',
    (
        '<html lang="fr"><meta name="description" content="Résumé : oui"><meta property="og:title" content="T : oui">'
        '<meta name="robots" content="a : non"><meta content="avant : oui" name="twitter:description">'
    ),
    '<html lang="fr"><div lang="en"><img alt="English : no"><img lang="fr" alt="Français : oui"></div>',
    '<html lang="fr"><p data-x=\' title="inside : x"\' title="real : y">t</p><input placeholder="Nom :">',
    # Documents read without following their elements (one French html element, raw elements holding
    # text only), and the near misses that must be followed.
    '<!doctype html>\n<html lang="fr"><script>a ? b : c</script><p title="t : x">« x » : y</p></html>\nfin : z',
    '<html lang="fr"><SCRIPT>a ? b : c</Script><pre lang="fr">p : q</pre><div lang="fr-BE">b : c</div>',
    '<html lang="fr"><script><b>a : b</b></script> c : d',
    '<html lang="fr"><script/>a : b</script> c : d',
    '<html lang="fr"><script>a : b</div> c : d</script> e : f',
    '<html lang="fr"><span lang="">vide : non</span> oui : x',
    '<html lang="fr"><div lang="en">no : x</div> oui : x',
    '<p lang="fr">avant : x</p><html lang="fr">dedans : y</html> après : z',
    '<html lang="fr">a : b</html><p lang="fr">après : c</p>',
    '<html lang="fr"><html lang="en">deux : x</html> encore : y',
    "<html>sans langue : x</html>",
    '<html lang="en">english : x<p lang="fr">fr : y</p></html>',
    '<html lang="fr" /><p>auto : x</p>',
    '<html lang="fr"><img lang="en" alt="no : x"><img alt="oui : y"></html><img alt="dehors : z">',
    '<html lang="fr"><p>a : b</html></p> fin : c <code>d : e</code>',
]


@pytest.mark.parametrize("html", HOSTILE)
def test_hostile_snippets_are_spaced_as_before(html):
    assert_same(html)


# Pieces of documents, drawn at random: tags of every kind (with languages,
# raw elements, voids, self-closing, case), attribute values holding > : « and
# quotes, comments, declarations, stray '<', and text with every punctuation.
_PIECES = [
    "<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "<DIV>", "</Div>", "<li>", "</li>", "<ul>", "</ul>",
    '<div lang="en">', '<p lang="fr">', "<section lang=ar>", '<span LANG="FR-be">', '<b lang="">', "</section>",
    "</b>", "<pre>", "</pre>", "<code>", "</code>", "<script>", "</script>", "<style>", "</style>", "<kbd>",
    "</kbd>", "<textarea>", "</textarea>", "<br>", "</br>", "<img src=x>", "<input/>", "<div/>", "<p />", "<div / >",
    '<a href="https://example.org/a:b?c=d;e">', "</a>", '<a title="x > y : « z »">', "<a title='it\"s : x'>",
    '<img alt="a : b">', '<meta name="description" content="c ; d">', '<span aria-label="« e »" lang="en">',
    "<!-- c : « -->", "<!-- <p lang=en> -->", "<!doctype html>", "<!x : y>", "<", "< ", "<1", "</ ", "<!-",
    '<p title="open', " : ", " ; ", " ! ", " ? ", "«", "»", " « ", " » ", "\u00a0:", "\u202f;", "\t!", "10:30",
    "https://x", "&nbsp;:", "mot", " ", "\n", "é", "x»", "«y", "\u00a0\u00a0?",
]  # fmt: skip


def test_generated_documents_are_spaced_as_before():
    rng = random.Random(25)
    for _ in range(3000):
        pieces = rng.choices(_PIECES, k=rng.randint(1, 40))
        if rng.random() < 0.7:
            pieces.insert(0, '<html lang="fr">')
        assert_same("".join(pieces))


def test_every_page_and_email_of_the_sample_site_is_spaced_as_before(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert any(page.name == "courriel.html" for page in pages)
    changed = 0
    for page in pages:
        built = page.read_text("utf-8")
        as_written = built.replace(NNBSP, " ").replace(NBSP, " ")  # the spaces the templates write
        for html in (built, as_written):
            for space in (NNBSP, NBSP):
                spaced = french_spacing_html(html, space=space)
                assert spaced == reference(html, space=space), page
                changed += spaced != html
    assert changed > len(pages)  # the pages had something to space


def test_the_attributes_people_read_are_spaced_in_french_elements_only():
    html = (
        '<html lang="fr"><head><meta name="description" content="Résumé : « oui »">'
        '<meta name="robots" content="index : non"></head><body>'
        '<img src="/a:b.png" alt="Photo : oui" data-note="donnée : non">'
        '<a href="https://example.org/?q=a : b" title="Lien : oui" aria-label="Aller : oui">x</a>'
        '<section lang="en"><img alt="English : no"></section></body></html>'
    )
    spaced = french_spacing_html(html)
    for expected in (
        'content="Résumé\u202f: «\u202foui\u202f»"',
        'content="index : non"',
        'alt="Photo\u202f: oui"',
        'data-note="donnée : non"',
        'href="https://example.org/?q=a : b"',
        'title="Lien\u202f: oui"',
        'aria-label="Aller\u202f: oui"',
        'alt="English : no"',
    ):
        assert expected in spaced, (expected, spaced)


def test_plain_text_spacing_is_as_before():
    before = re.compile(r"[ \t\u00a0\u202f]+(?=[:;!?»])")
    close = re.compile(r"(?<=\S)(?<![\u00a0\u202f ])»")
    opening = re.compile(r"«[ \t\u00a0\u202f]*")

    def reference_plain(text: str, space: str) -> str:  # french_spacing as it was (commit 370f586)
        if not text or not re.search(r"[:;!?«»]", text):
            return text
        return opening.sub("«" + space, close.sub(space + "»", before.sub(space, text)))

    rng = random.Random(67)
    pieces = ["«", "»", " ", "\u00a0", "\u202f", "\t", ":", ";", "!", "?", "a", "é", "\n", "10:30", "x»", "«y"]
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        for space in (NNBSP, NBSP):
            assert french_spacing(text, space) == reference_plain(text, space), repr(text)


def test_the_templates_space_only_what_the_page_pass_would(built_site):
    """The templates write French spacing as they render (render/templating.py
    space_at_source): only where the page-wide pass, the reference, puts it. A page
    with its narrow no-break spaces turned back into spaces, as the templates wrote
    them before, is spaced by the reference into exactly the page built."""
    pages = [page for page in sorted(built_site.rglob("*.html")) if page.name != "courriel.html"]
    assert len(pages) > 20
    for page in pages:
        built = page.read_text("utf-8")
        assert reference(built.replace(NNBSP, " ")) == built, page


def test_the_pages_leave_the_templates_spaced(tmp_path, monkeypatch):
    """Spacing at the source is complete: the page-wide pass (render/makers.py), kept
    for what the templates cannot space, finds nothing to change in any page of the
    sample site (letters and their printed sheets included: the letter filters space
    the French ones) but in the redirect pages site/redirects.py writes without a
    template, and in /envois/ (values of messages with variables, in the tooltips of
    its previews): no other page needs more than its scan.
    Emails (U+00A0) and feed entries are spaced by their pass."""
    from pelican import main as pelican_main

    from helpers import BUILD_EPOCH, ROOT
    from urgent_actions.render import makers

    passed: list[tuple[str, bool]] = []
    spacing = makers.french_spacing_html

    def recording(html: str, language: str = "", space: str = NNBSP) -> str:
        spaced = spacing(html, language, space)
        if space == NNBSP and "<html" in html:
            at = next((i for i, (a, b) in enumerate(zip(html, spaced, strict=False)) if a != b), len(html))
            left_to_the_pass = any(mark in html for mark in ('http-equiv="refresh"', "page-envois"))
            passed.append((html[max(0, at - 60) : at + 20], spaced == html or left_to_the_pass))
        return spaced

    monkeypatch.setattr(makers, "french_spacing_html", recording)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.chdir(tmp_path)
    overrides = ['PATH="' + str(ROOT / "content") + '"', "UA_PARALLEL_RENDER=false", "UA_INCREMENTAL=false"]
    pelican_main(["-s", str(ROOT / "pelicanconf.py"), "-e", *overrides, "-o", str(tmp_path / "out"), "-q"])
    assert sum(unchanged for _, unchanged in passed) > 100
    unspaced = [where for where, unchanged in passed if not unchanged]
    assert unspaced == [], "\n".join(unspaced)

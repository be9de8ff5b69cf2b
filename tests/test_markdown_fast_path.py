"""Bodies that smarty and footnotes cannot change are converted without them, and
without the inline patterns that cannot match them: the same HTML."""

from __future__ import annotations

import random
import sys

import pytest

from helpers import ROOT
from urgent_actions.content.frontmatter import read
from urgent_actions.render.markdown_renderer import (
    DEFAULT_EXTENSIONS,
    SMARTY_OR_FOOTNOTE,
    MarkdownRenderer,
    converter,
    unneeded_processors,
)

sys.path.insert(0, str(ROOT))
from benchmarks import synthetic

PIECES = [
    "Texte simple.",
    "**gras**",
    "*italique*",
    "_souligné_",
    "`code`",
    "[lien](https://example.org/a?b=1&c=2)",
    "[relatif](/actions/x/)",
    "<b>html</b>",
    "a & b",
    "1 < 2 > 0",
    "l'apostrophe",
    '"guillemets"',
    "« chevrons »",
    "- un\n- deux",
    "1. premier\n2. second",
    "> citation",
    "## Titre",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "\\*pas italique\\*",
    "\\[crochets\\]",
    "&eacute;",
    "![image](/images/x.jpg)",
    "    code indenté",
    "ligne  \nsuivante",
    "[^pas une note",
    "un - tiret",
    "deux.. points",
    "'simple'",
    "mailto:x@example.org",
    "<https://example.org/x>",
    "<x@example.org>",
    "[texte][1]\n\n[1]: https://example.org/ref",
    "[court]",
    "![alt][img]\n\n[img]: /images/y.jpg",
    "tab\tà  \t\nsuite",
    "\tcode tabulé",
    "__gras__",
    "a * b _ c",
    "``double `tick` ``",
    "\\`pas code`",
    "&#233; &#xE9;",
    "a[b](c",
    "x ![ y",
    "Titre\n=====",
    "Sous-titre\n---",
    "***",
    "___",
    "* puce",
    "+ puce",
    "> cité\n> encore",
    "# Un",
    "### Trois ###",
    "a | b",
    "- - -",
    "texte\n- liste",
    "1) pas une liste",
    "[x]: /actions/",
]


def _random_text(rng: random.Random) -> str:
    return "\n\n".join(" ".join(rng.choices(PIECES, k=rng.randint(1, 4))) for _ in range(rng.randint(1, 6)))


def _bodies():
    for path in sorted((ROOT / "content" / "actions").glob("*.md")):
        yield read(path.read_bytes())[1]
    for _front, body in synthetic.actions(200).values():
        yield body
    rng = random.Random(2026)
    for _ in range(2000):
        yield _random_text(rng)


def test_without_smarty_or_footnote_marks_both_converters_agree():
    full = converter(("sane_lists", "smarty", "tables", "footnotes"))
    plain = converter(("sane_lists", "tables"))
    checked = 0
    for text in _bodies():
        if any(mark in text for mark in SMARTY_OR_FOOTNOTE):
            continue
        assert plain.convert(text) == full.convert(text), text
        plain.reset()
        full.reset()
        checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Un -- deux", "&ndash;"),
        ("Trois --- quatre", "&mdash;"),
        ("Et puis...", "&hellip;"),
        ('Il dit \\"non\\"', '"non"'),
        ("Une note[^1].\n\n[^1]: La note.", 'class="footnote"'),
    ],
)
def test_texts_with_those_marks_get_smarty_and_footnotes(text, expected):
    html = MarkdownRenderer().render(text)
    assert expected in html
    assert "\\" not in html


def test_leaving_out_inline_patterns_that_cannot_match_changes_nothing():
    reference = MarkdownRenderer()
    reference._for = lambda text: reference._converters.setdefault("all", converter(DEFAULT_EXTENSIONS))
    renderer = MarkdownRenderer()
    checked = 0
    for text in _bodies():
        assert renderer.render(text) == reference.render(text), text
        checked += 1
    assert checked > 2000
    # Converters without some patterns were used, and each lacks exactly those.
    variants = [without for _extensions, without in renderer._converters if without]
    assert len(variants) > 5
    for (extensions, without), md in renderer._converters.items():
        complete = converter(extensions)
        for kind, registry, full in (
            ("inline", md.inlinePatterns, complete.inlinePatterns),
            ("block", md.parser.blockprocessors, complete.parser.blockprocessors),
        ):

            def order(items):
                return sorted(items, key=lambda item: (-item.priority, item.name))

            assert order(p for p in full._priority if (kind, p.name) not in without) == order(registry._priority)
    assert any(kind == "block" for without in variants for kind, _name in without)


def test_which_block_processors_and_inline_patterns_a_text_needs():
    assert ("inline", "link") in unneeded_processors("Sans lien.")
    assert ("inline", "link") not in unneeded_processors("[lien](https://example.org)")
    assert ("inline", "linebreak") not in unneeded_processors("tab\t\nsuite")
    assert ("inline", "em_strong") not in unneeded_processors("un_mot")
    assert ("inline", "entity") in unneeded_processors("a et b")
    assert ("block", "hashheader") in unneeded_processors("Pas de titre.")
    assert ("block", "hashheader") not in unneeded_processors("## Titre")
    assert ("block", "quote") not in unneeded_processors("> citation")


def test_footnote_ids_depend_on_the_text_only():
    text = "Une note[^1].\n\n[^1]: La note."
    first = MarkdownRenderer().render(text)
    renderer = MarkdownRenderer()
    for other in ("Un -- deux", "Autre note[^a].\n\n[^a]: B.", text):
        again = renderer.render(other)
    assert again == first
    assert 'id="fn:' in first


def test_the_heading_test_finds_a_heading_where_python_markdowns_does():
    from markdown.blockprocessors import HashHeaderProcessor

    md = converter(DEFAULT_EXTENSIONS)
    ours, theirs = md.parser.blockprocessors["hashheader"], HashHeaderProcessor(md.parser)
    assert type(ours) is not HashHeaderProcessor  # the guarded one
    blocks = ["# Un", "texte\n## Deux ##", "#tag", "un #tag", "a\n #b", "", "#", "\n#", "a\\\n# b", "#\n"]
    blocks += [block for text in _bodies() for block in text.split("\n\n")]
    found = [block for block in blocks if theirs.test(None, block)]
    assert [block for block in blocks if ours.test(None, block)] == found and len(found) > 50

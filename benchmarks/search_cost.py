"""What Pagefind's CPU pays for on our action pages (``docs/performance.md``).

``python -m benchmarks.search_cost SITE_OUTPUT [--shard 1000] [--rounds 2]``
copies the action pages of a built site (``actions/*/index.html``) into a
temporary directory, once as they are and once for each trimmed variant, then
runs the Pagefind binary of the build (``--force-language``, the build's
options) on each, shard by shard (``--shard`` pages a process, as the build's
``UA_SEARCH_SHARD_SIZE``), variant after variant, ``--rounds`` times in turn,
and prints the CPU (user and system) of a page:

- ``as built``: the pages as they are;
- ``body``: only the ``data-pagefind-body`` element (no head, header, footer);
- ``indexed``: that, without the ``data-pagefind-ignore`` sections (the
  letters, the recipients, the timeline): only what Pagefind indexes;
- ``no text``: that, without the case's paragraphs and lists (the title,
  summary, facts, filters and meta are kept);
- ``title``: one ``h1`` a page (what a page costs Pagefind whatever it holds).

``as built``, ``body`` and ``indexed`` give the same fragments (the same
files) and the same words: what Pagefind reads but does not index costs it
only the reading. Pagefind is multithreaded and its CPU grows with the
machine's load: compare the variants of one run, not runs.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import tempfile

LANGUAGE = "fr"
SECTION = re.compile(r"<(/?)section\b([^>]*)>")
SHELL = '<!doctype html>\n<html lang="fr"><head><title>page</title></head><body>{}</body></html>'


def body(html: str) -> str:
    start = html.index("<article")
    return SHELL.format(html[start : html.index("</article>", start) + len("</article>")])


def indexed(html: str) -> str:
    """The body without its ``data-pagefind-ignore`` sections (nested sections counted)."""
    page, kept, depth, resume = body(html), [], 0, 0
    for tag in SECTION.finditer(page):
        if depth == 0 and not tag.group(1) and "data-pagefind-ignore" in tag.group(2):
            kept.append(page[resume : tag.start()])
            depth, resume = 1, len(page)  # until it closes
        elif depth and tag.group(1):
            depth -= 1
            resume = tag.end() if depth == 0 else resume
        elif depth:
            depth += 1
    return "".join(kept) + page[resume:]


def no_text(html: str) -> str:
    page = indexed(html)
    facts = page.index("</dl>") + len("</dl>")
    return page[:facts] + page[page.index("</section>", facts) :]


def title(html: str) -> str:
    heading = re.search(r"<h1>.*?</h1>", html, re.DOTALL).group(0)
    return SHELL.format(f"<article data-pagefind-body>{heading}</article>")


VARIANTS = {"as built": None, "body": body, "indexed": indexed, "no text": no_text, "title": title}


def write_variants(site: str, root: str, shard: int) -> tuple[int, dict[str, list[str]]]:
    """Each variant's copy of the action pages under ``root``, one directory a shard.
    Pages without a ``data-pagefind-body`` (redirects of renamed actions) are left
    out, as the build leaves them out of its shards."""
    pages = []
    for slug in sorted(os.listdir(os.path.join(site, "actions"))):
        with open(os.path.join(site, "actions", slug, "index.html"), encoding="utf-8") as handle:
            html = handle.read()
        if "data-pagefind-body" in html:
            pages.append((slug, html))
    shards: dict[str, list[str]] = {name: [] for name in VARIANTS}
    for first in range(0, len(pages), shard):
        for number, (name, trim) in enumerate(VARIANTS.items()):
            folder = os.path.join(root, f"{number}-{first}")
            shards[name].append(folder)
            for slug, html in pages[first : first + shard]:
                os.makedirs(os.path.join(folder, "actions", slug))
                with open(os.path.join(folder, "actions", slug, "index.html"), "w", encoding="utf-8") as handle:
                    handle.write(html if trim is None else trim(html))
    return len(pages), shards


def pagefind_cpu(folders: list[str], name: str) -> tuple[float, float]:
    """User and system CPU seconds of Pagefind indexing each folder in turn, into
    ``name`` in it (a new one each time: removing an index just before the next is
    written makes the file system's allocation of the new files slower)."""
    from pagefind_bin import get_executable

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for folder in folders:
        target = os.path.join(folder, name)
        subprocess.run(
            [str(get_executable()), "--site", folder, "--output-path", target, "--silent",
             "--force-language", LANGUAGE],
            check=True,
        )  # fmt: skip
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("site", help="a built site (its actions/*/index.html)")
    parser.add_argument("--shard", type=int, default=1000, help="pages a Pagefind process")
    parser.add_argument("--rounds", type=int, default=2, help="times each variant is indexed")
    arguments = parser.parse_args(argv)
    root = tempfile.mkdtemp(prefix="search-cost-")
    try:
        pages, shards = write_variants(arguments.site, root, arguments.shard)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
        for round_ in range(arguments.rounds):
            for name, folders in shards.items():
                times[name].append(pagefind_cpu(folders, f"index-{round_}"))
        print(f"{pages} pages, {len(shards['as built'])} Pagefind processes a variant, ms of CPU a page:")
        for name, runs in times.items():
            users = ", ".join(f"{1000 * user / pages:.2f}" for user, _ in runs)
            systems = ", ".join(f"{1000 * system / pages:.2f}" for _, system in runs)
            print(f"  {name:9} user {users}; sys {systems}")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

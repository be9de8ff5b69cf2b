"""Benchmark row: what a reader's first search downloads, in Chromium at 360 px.

``python -m benchmarks.search_row SITE_OUTPUT`` (or ``bench.py --search``)
serves a built site from 127.0.0.1 and, in Debian's Chromium (a fresh
context each time, so nothing is cached), counts the requests and the bytes
(response bodies as sent: Pagefind's files are compressed already) of:

- ``page``: opening the search page, until its form is shown (Pagefind
  loaded, its filters listed);
- a query: typing it, pressing Enter and waiting for the first page of
  results (the search and the results' fragments): a person's name from the
  archive and a topic word.

It does that twice: for the site as built (layout ``shards``: the build merges
its shards into the one index it publishes, ``pagefind/``), and for the same pages with ONE
Pagefind index of all the action pages, built here by the Pagefind binary over
the same HTML (same filters, same language) into a temporary directory and
served in place of the site's ``pagefind*/`` directories. The row reports both,
the ratio the targets speak of (first search = page + name query), and the
CPU time and memory of that one Pagefind run.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import typing
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SEARCH_PAGE = "recherche/"
LANGUAGE = "fr"
WIDTH = 360
TIMEOUT_MS = 60_000


class Handler(SimpleHTTPRequestHandler):
    """The site's files; with ``indexes`` (URL directory -> directory), those directories
    from elsewhere."""

    indexes: typing.ClassVar[dict[str, str]] = {}

    def log_message(self, *args):  # quiet
        pass

    def translate_path(self, path):
        top, _, rest = path.split("?")[0].lstrip("/").partition("/")
        if top in self.indexes:
            return os.path.join(self.indexes[top], rest)
        return super().translate_path(path)


def serve(site: Path, indexes: dict[str, str]) -> ThreadingHTTPServer:
    """A server of ``site`` on 127.0.0.1 (a free port), in a daemon thread; ``shutdown()`` it."""
    handler = type("SiteHandler", (Handler,), {"indexes": indexes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def one_index(site: Path, target: str) -> dict:
    """Index the action pages of ``site`` into ``target`` with one Pagefind run; its CPU
    time and memory."""
    from pagefind_bin import get_executable

    command = [
        str(get_executable()), "--site", str(site), "--output-path", target, "--silent",
        "--force-language", LANGUAGE, "--glob", "actions/*/index.html",
    ]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"Pagefind failed: {process.stderr.read().decode(errors='replace')}")
    process.stderr.close()
    return {
        "seconds": round(time.perf_counter() - start, 2),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mib": round(usage.ru_maxrss / 1024),
    }


class Traffic:
    """The requests a page made and the bytes of their responses, from a mark on."""

    def __init__(self, page):
        self.finished: list = []
        page.on("requestfinished", lambda request: self.finished.append(request))

    def take(self) -> dict:
        done, self.finished[:] = list(self.finished), []
        return {"requests": len(done), "kb": round(sum(r.sizes()["responseBodySize"] for r in done) / 1000)}


def first_search(browser, url: str, query: str) -> dict:
    """Open the search page at ``url`` in a fresh context, then search ``query``: the traffic of each."""
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="fr-BE")
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        traffic = Traffic(page)
        page.goto(url)
        page.wait_for_selector("form[data-search]:not([hidden])")
        page.wait_for_load_state("networkidle")
        opened = traffic.take()
        page.fill("input[name=q]", query)
        page.press("input[name=q]", "Enter")
        page.wait_for_function(
            "document.querySelector('[data-search-results]').children.length > 0 "
            "|| /Aucune/.test(document.querySelector('[data-search-status]').textContent)"
        )
        page.wait_for_load_state("networkidle")
        found = page.locator("[data-search-results] > li").count()
        return {"page": opened, "query": {**traffic.take(), "shown": found}}
    finally:
        context.close()


def person(site: Path) -> str:
    """A person's name from the archive: the title of the middle action page, after its country."""
    pages = sorted((site / "actions").glob("*/index.html"))
    title = re.search(r"<h1[^>]*>([^<]+)</h1>", pages[len(pages) // 2].read_text("utf-8"))
    return title.group(1).split(":", 1)[-1].split(",")[0].strip(" \u202f\xa0")


def measure(site: Path, queries: dict[str, str], layouts=("shards", "one_index"), browser=None) -> dict:
    """The row for ``site``: the traffic of each of ``layouts`` (a Chromium ``browser``, or one of its own)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from support.browser import launch_browser

        with sync_playwright() as playwright:
            browser = launch_browser(playwright)
            try:
                return measure(site, queries, layouts, browser)
            finally:
                browser.close()
    results: dict = {"queries": queries, "layouts": list(layouts)}
    with tempfile.TemporaryDirectory(prefix="ua-one-index-") as temporary:
        served = {"shards": {}}
        if "one_index" in layouts:
            index = os.path.join(temporary, "pagefind")
            results["one_index_build"] = one_index(site, index)
            served["one_index"] = {"pagefind": index}
        for name in layouts:
            server = serve(site, served[name])
            try:
                url = f"http://127.0.0.1:{server.server_address[1]}/{SEARCH_PAGE}"
                results[name] = {kind: first_search(browser, url, query) for kind, query in queries.items()}
            finally:
                server.shutdown()
                server.server_close()
    results["ratios"] = {
        f"{name}/one_index {kind}": round(_first(results[name][kind]) / _first(results["one_index"][kind]), 2)
        for name in layouts
        if name != "one_index"
        for kind in queries
    }
    return results


def _first(row: dict) -> int:
    return row["page"]["kb"] + row["query"]["kb"]


def table(results: dict) -> str:
    lines = [f"a reader's first search at {WIDTH} px (KB of responses, requests)"]
    for name in results["layouts"]:
        for kind, query in results["queries"].items():
            row = results[name][kind]
            lines.append(
                f"{name:<10} {kind:<7} page {row['page']['kb']:>5} KB {row['page']['requests']:>3} req"
                f" | {query!r}: {row['query']['kb']:>5} KB {row['query']['requests']:>3} req"
                f" | first search {_first(row):>5} KB"
            )
    for name, build in results.items():
        if name.endswith("_build"):
            lines.append(f"{name}: Pagefind {build['cpu_seconds']} s CPU, largest {build['peak_mib']} MiB")
    lines += [f"first search, {name}: {ratio:.2f}" for name, ratio in results["ratios"].items()]
    return "\n".join(lines)


def row(site: Path) -> dict:
    """The row of the benchmark (``bench.py --search``): the site as built against one index."""
    return measure(site, {"name": person(site), "word": "journaliste"})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", help="a built site (the benchmark's output directory)")
    parser.add_argument("--name", help="the person's name searched (default: one from the archive)")
    parser.add_argument("--word", default="journaliste", help="the topic word searched")
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args(argv)
    site = Path(args.site)
    results = measure(site, {"name": args.name or person(site), "word": args.word})
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

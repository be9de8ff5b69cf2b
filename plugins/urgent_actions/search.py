"""Search with Pagefind, run on the finished site before it is published.

The index and Pagefind's JavaScript are written into the site itself
(``pagefind/``): nothing is loaded from elsewhere. Only action pages are
indexed (``data-pagefind-body``), with filters for state, country and theme.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys

from .outputs import Output

logger = logging.getLogger(__name__)


def outputs(build):
    yield Output(
        build.ua["UA_URLS"]["search"] + "index.html",
        template="search",
        context={"page_name": "search"},
    )


INDEX = "pagefind"
DIGEST = ".indexed-pages.sha256"


def _indexed_pages_digest(site_dir: str) -> str:
    """A digest of every page Pagefind indexes (the action pages), path and bytes."""
    digest = hashlib.sha256()
    folder = os.path.join(site_dir, "actions")
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html"):
                path = os.path.join(root, name)
                digest.update(os.path.relpath(path, site_dir).encode() + b"\0")
                with open(path, "rb") as handle:
                    digest.update(hashlib.sha256(handle.read()).digest())
    return digest.hexdigest()


def _link_tree(source: str, target: str) -> None:
    for root, dirs, files in os.walk(source):
        relative = os.path.relpath(root, source)
        os.makedirs(os.path.join(target, relative), exist_ok=True)
        for name in files:
            os.link(os.path.join(root, name), os.path.join(target, relative, name))


def build_index(site_dir: str, previous: str | None = None) -> None:
    """Index ``site_dir`` with Pagefind's binary (from the pagefind[bin] package).

    When the pages Pagefind reads are the same as in the ``previous`` output,
    its index is reused (hard links: Pagefind's files are never written in place).
    """
    digest = _indexed_pages_digest(site_dir)
    if previous:
        old_index = os.path.join(previous, INDEX)
        try:
            with open(os.path.join(old_index, DIGEST), encoding="ascii") as handle:
                same = handle.read().strip() == digest
        except OSError:
            same = False
        if same:
            _link_tree(old_index, os.path.join(site_dir, INDEX))
            return
    _run_pagefind(site_dir)
    with open(os.path.join(site_dir, INDEX, DIGEST), "w", encoding="ascii") as handle:
        handle.write(digest + "\n")


def _run_pagefind(site_dir: str) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", site_dir, "--silent", "--force-language", "fr"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")

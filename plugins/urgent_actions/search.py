"""Search with Pagefind, run on the finished site before it is published.

The index and Pagefind's JavaScript are written into the site itself
(``pagefind/``): nothing is loaded from elsewhere. Only action pages are
indexed (``data-pagefind-body``), with filters for state, country and theme.
"""

from __future__ import annotations

import logging
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


def build_index(site_dir: str) -> None:
    """Index ``site_dir`` with Pagefind's binary (from the pagefind[bin] package)."""
    command = [sys.executable, "-m", "pagefind", "--site", site_dir, "--silent", "--force-language", "fr"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"Pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")

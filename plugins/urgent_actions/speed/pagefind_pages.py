"""Link a shard's pages into a directory of their own, then become Pagefind.

Run as a script by :mod:`urgent_actions.speed.indexing`, never imported by
the build: the thousand links of a shard are made in this child process while
the build goes on, then Pagefind replaces it (``exec``: the same process, which
the build waits for, or stops, as Pagefind itself). Only the standard library,
so it starts in a few milliseconds with ``python -I -S``.

    pagefind_pages.py SITE PAGES_DIR PAGEFIND_COMMAND...

The pages (paths relative to SITE, one per line) are listed in the file
``PAGES_DIR/.pages``, which Pagefind does not read (it reads HTML files). The
directory may already hold named pipes, made by the build before it started
this process: Pagefind waits for those until the build writes them.
"""

import os
import sys


def link_pages(site: str, pages_dir: str, pages: list[str]) -> None:
    made: set[str] = set()
    for page in pages:
        link = os.path.join(pages_dir, page)
        folder = os.path.dirname(link)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        os.link(os.path.join(site, page), link)


LIST = ".pages"


def main(argv: list[str]) -> int:
    site, pages_dir, command = argv[1], argv[2], argv[3:]
    try:
        with open(os.path.join(pages_dir, LIST), encoding="utf-8") as handle:
            pages = handle.read().splitlines()
        link_pages(site, pages_dir, pages)
    except OSError as error:
        print(f"could not gather the pages to index in {pages_dir}: {error}", file=sys.stderr)
        return 2
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv))

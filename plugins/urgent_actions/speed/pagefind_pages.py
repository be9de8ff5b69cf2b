"""Link a shard's pages into a directory of their own, then become Pagefind.

Run as a script by :class:`urgent_actions.search.Indexing`, never imported by
the build: the thousand links of a shard are made in this child process while
the build goes on, then Pagefind replaces it (``exec``: the same process, which
the build waits for, or stops, as Pagefind itself). Only the standard library,
so it starts in a few milliseconds with ``python -I -S``.

    pagefind_pages.py SITE PAGES_DIR PAGEFIND_COMMAND...

The pages (paths relative to SITE, one per line) are listed in the file
``PAGES_DIR/.pages``, which Pagefind does not read (it reads HTML files);
those listed in ``PAGES_DIR/.pipes`` are made named pipes instead of links:
Pagefind indexes the others and waits for them (the build writes them).
"""

import os
import sys


def link_pages(site: str, pages_dir: str, pages: list[str], pipes=frozenset()) -> None:
    made: set[str] = set()
    for page in pages:
        link = os.path.join(pages_dir, page)
        folder = os.path.dirname(link)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if page in pipes:
            os.mkfifo(link)
        else:
            os.link(os.path.join(site, page), link)


LIST = ".pages"
# Pages given later through a named pipe (Pagefind waits for them), one per line.
PIPES = ".pipes"


def main(argv: list[str]) -> int:
    site, pages_dir, command = argv[1], argv[2], argv[3:]
    try:
        with open(os.path.join(pages_dir, LIST), encoding="utf-8") as handle:
            pages = handle.read().splitlines()
        pipes = set()
        if os.path.exists(os.path.join(pages_dir, PIPES)):
            with open(os.path.join(pages_dir, PIPES), encoding="utf-8") as handle:
                pipes = set(handle.read().splitlines())
        link_pages(site, pages_dir, pages, pipes)
    except OSError as error:
        print(f"could not gather the pages to index in {pages_dir}: {error}", file=sys.stderr)
        return 2
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


if __name__ == "__main__":
    sys.exit(main(sys.argv))

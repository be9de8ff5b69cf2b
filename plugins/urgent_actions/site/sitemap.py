"""sitemap.xml (with lastmod) and robots.txt, from the same outputs as the site.

Each output says whether the sitemap lists it (``Output.in_sitemap``); what
robots.txt disallows is the URL scheme's (``urls.ROBOTS_DISALLOWED``).
"""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

from .. import urls
from .build import Build
from .outputs import Output


def outputs(build: Build):
    # The key is made once every output is known (the sitemap lists them all),
    # from the entries it shows: editing an action's text leaves it as it is.
    yield Output(urls.SITEMAP, render=lambda: sitemap(build), key=lambda: _key(entries(build)))
    yield Output(urls.ROBOTS, render=lambda: robots(build))


def robots(build: Build) -> str:
    """robots.txt: everything but the editors' paths (their pages say noindex too), and the sitemap."""
    disallowed = "".join(f"Disallow: /{path}\n" for path in urls.ROBOTS_DISALLOWED)
    return f"User-agent: *\nAllow: /\n{disallowed}\nSitemap: {build.absolute_url}/{urls.SITEMAP}\n"


def entries(build: Build) -> list[tuple]:
    """(address, date of last change or None) of every page the sitemap lists, sorted."""
    site = build.site
    newest = max((a.last_updated for a in site.listed), default=None)
    base = build.absolute_url
    by_page = {action.save_as: action for action in site.actions}
    found = []
    for output in build.outputs():
        if not output.in_sitemap:
            continue
        action = by_page.get(output.save_as)
        lastmod = newest if action is None else action.last_updated
        found.append((f"{base}/{urls.url_of(output.save_as)}", lastmod))
    found.sort()
    return found


def _key(found: list[tuple]) -> str:
    digest = hashlib.blake2b(b"sitemap", digest_size=20)
    for loc, lastmod in found:
        digest.update(f"{loc}\0{lastmod}\n".encode())
    return digest.hexdigest()


def sitemap(build: Build) -> str:
    """sitemap.xml: every page it lists, with the date of its last change."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries(build):
        lines.append(
            f"  <url><loc>{escape(loc)}</loc>"
            + (f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"

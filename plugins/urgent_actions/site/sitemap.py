"""sitemap.xml (with lastmod) and robots.txt, from the same outputs as the site."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

from .outputs import Output


def outputs(build):
    # The key is made once every output is known (the sitemap lists them all),
    # from the entries it shows: editing an action's text leaves it as it is.
    yield Output("sitemap.xml", render=lambda: sitemap(build), key=lambda: _key(entries(build)))
    yield Output(
        "robots.txt",
        # /envois/ is for editors (its pages say noindex too).
        render=lambda: f"User-agent: *\nAllow: /\nDisallow: /envois/\n\nSitemap: {build.absolute_url}/sitemap.xml\n",
    )


def entries(build) -> list[tuple]:
    """(address, date of last change or None) of every page the sitemap lists, sorted."""
    site = build.site
    newest = max((a.last_updated for a in site.listed), default=None)
    base = build.absolute_url
    by_page = {action.save_as: action for action in site.actions}
    redirects = {alias.lstrip("/") + "index.html" for a in site.actions if a.front.aliases for alias in a.front.aliases}
    found = []
    for output in build.generator.outputs:
        path = output.save_as
        if (
            not path.endswith("index.html")
            or "/lettre-" in path
            or path in redirects
            or path.startswith(("admin/", "envois/", "ua/"))
        ):
            continue
        action = by_page.get(path)
        if action is None:
            lastmod = newest
        else:
            if action.front.status != "published":
                continue
            lastmod = action.last_updated
        found.append((f"{base}/{path[:-10]}", lastmod))  # without "index.html"
    found.sort()
    return found


def _key(found: list[tuple]) -> str:
    digest = hashlib.blake2b(b"sitemap", digest_size=20)
    for loc, lastmod in found:
        digest.update(f"{loc}\0{lastmod}\n".encode())
    return digest.hexdigest()


def sitemap(build) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries(build):
        lines.append(
            f"  <url><loc>{escape(loc)}</loc>"
            + (f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else "")
            + "</url>"
        )
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"

"""Serve a directory over HTTP on 127.0.0.1, the way a plain static host would."""

from __future__ import annotations

import contextlib
import http.server
import os
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

# Content types the site relies on; the platform's mimetypes database differs between
# machines (and lacks several of these), so they are fixed here.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".ics": "text/calendar; charset=utf-8",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}
# Feeds are named *.atom.xml / *.rss.xml: more precise than application/xml.
COMPOUND_CONTENT_TYPES = {
    ".atom.xml": "application/atom+xml",
    ".rss.xml": "application/rss+xml",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler with fixed content types, the site's 404 page and no output."""

    # No directory listings: a directory without index.html is a 404, as on the host.
    def list_directory(self, path):
        self.send_error(404)

    def guess_type(self, path):
        name = os.path.basename(str(path)).lower()
        for suffix, content_type in COMPOUND_CONTENT_TYPES.items():
            if name.endswith(suffix):
                return content_type
        return CONTENT_TYPES.get(os.path.splitext(name)[1], DEFAULT_CONTENT_TYPE)

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", CONTENT_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    # Quiet: the tests read the responses.
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser closing a connection early (navigation, aborted fetch) is not an error
        # of the site; anything else is still reported on stderr.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve_directory(path: str | os.PathLike[str]) -> Iterator[str]:
    """Serve ``path`` on a free port of 127.0.0.1; yield the base URL ``http://127.0.0.1:PORT``.

    ``/dir/`` serves ``dir/index.html`` (``/dir`` redirects to ``/dir/``); a missing file is
    answered with the site's ``404.html`` and status 404. The server stops on exit.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"cannot serve {root}: not a directory")
    handler = partial(StaticSiteHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"serve {root}",
        daemon=True,
    )
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

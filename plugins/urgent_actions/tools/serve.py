"""``invoke serve``: build, serve and rebuild, as one group of processes that stops as one.

Pelican's own ``--autoreload --listen`` runs the builder and the web server as
two children of a third process: killing that one (an IDE's stop button, a
script's SIGTERM) leaves both running and answering on the port, and a busy
port is only logged, after a build has started, with exit status 0.

Here the web server is a thread of this process, and its port is bound before
anything is built: a busy port stops everything at once, with one line and a
non-zero status. The builder (``speed/warm.py``: Pelican's build, then a
rebuild after every change) is the one child: it
stays in our process group (a terminal's Ctrl-C reaches it too), it is told to
die with us even if we are killed outright (``PR_SET_PDEATHSIG``; its own
children, Pagefind and the render workers, do the same), and any signal that
ends us stops it first, within a bounded wait.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from urllib.parse import parse_qs

from pelican.server import ComplexHTTPRequestHandler

from ..children import DIE_WITH_PARENT, stop_child

# The signals that end a server: Ctrl-C, a terminal closed, kill, Ctrl-\.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
# Seconds the builder has to stop after SIGTERM before it is killed.
STOP_TIMEOUT = 10


class ServeError(Exception):
    """Why the server cannot start (one line for the person starting it)."""


class _Stopped(BaseException):
    """Raised in the main thread by a stop signal (BaseException: nothing swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# The live reload: each HTML page served gets this script (and no file of the
# built site has it). It asks the server which build it is showing, and
# reloads the page when a new build has been swapped in. The server holds the
# question (up to LIVE_RELOAD_WAIT seconds) until the build differs from the
# one the page shows, so the page reloads as soon as the swap is made.
LIVE_RELOAD_PATH = "/__serve/build"
LIVE_RELOAD_WAIT = 20
LIVE_RELOAD_SCRIPT = """\
(function () {
  var shown = %s;
  function ask() {
    fetch("%s?since=" + encodeURIComponent(shown), {cache: "no-store"})
      .then(function (response) { return response.text(); })
      .then(function (build) { if (build !== shown) { location.reload(); } else { setTimeout(ask, 50); } })
      .catch(function () { setTimeout(ask, 1000); });
  }
  setTimeout(ask, 50);
})();
"""
NOT_FOUND_PAGE = "404.html"


def build_id(directory: str) -> str:
    """Which build ``directory`` holds: a build swaps a new directory in (another inode)."""
    try:
        info = os.stat(directory)
    except OSError:
        return "none"
    return f"{info.st_ino}-{info.st_mtime_ns}"


class _Handler(ComplexHTTPRequestHandler):
    """Pelican's handler (``/page/`` finds ``page/index.html``), quiet, with the site's
    404 page for a missing one, and the live reload in every HTML page."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path, _, query = self.path.partition("?")
        if path == LIVE_RELOAD_PATH:
            self._send(200, "text/plain; charset=utf-8", self._next_build(query).encode())
            return
        found = self._existing(path)
        if found is None:
            self._send_html(404, os.path.join(self.base_path, NOT_FOUND_PAGE), fallback=b"Not found")
        elif os.path.isdir(found) and not path.endswith("/"):
            super().do_GET()  # the redirect to the address with a slash
        elif found.endswith(".html") or os.path.isdir(found):
            self._send_html(200, os.path.join(found, "index.html") if os.path.isdir(found) else found)
        else:
            super().do_GET()

    def _next_build(self, query: str) -> str:
        """The build shown now; with ``since=ID``, once it is another than ID (or after
        LIVE_RELOAD_WAIT seconds)."""
        since = parse_qs(query).get("since", [None])[0]
        deadline = time.monotonic() + LIVE_RELOAD_WAIT
        current = build_id(self.base_path)
        while current == since and time.monotonic() < deadline:
            time.sleep(0.02)
            current = build_id(self.base_path)
        return current

    def _existing(self, path: str) -> str | None:
        """The file or folder (with an index.html) that ``path`` names, or None."""
        base = self.translate_path(path)
        if os.path.isdir(base):
            return base if os.path.isfile(os.path.join(base, "index.html")) else None
        for candidate in (base, base.rstrip("/") + ".html"):
            if os.path.isfile(candidate):
                return candidate
        return None

    def _send_html(self, status: int, file: str, fallback: bytes = b"") -> None:
        shown = build_id(self.base_path)
        try:
            with open(file, "rb") as handle:
                page = handle.read()
        except OSError:
            page = fallback
        script = LIVE_RELOAD_SCRIPT % (json.dumps(shown), LIVE_RELOAD_PATH)
        tag = f"<script>{script}</script>".encode()
        at = page.rfind(b"</body>")
        page = page[:at] + tag + page[at:] if at >= 0 else page + tag
        self._send(status, "text/html; charset=utf-8", page)

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def bind(host: str, port: int, directory: str) -> ThreadingHTTPServer:
    """A web server bound to ``host:port`` serving ``directory`` (which may not exist yet)."""
    handler = type("Handler", (_Handler,), {"base_path": os.path.abspath(directory)})
    try:
        server = ThreadingHTTPServer((host, port), handler, bind_and_activate=False)
        server.daemon_threads = True
        server.allow_reuse_address = True  # a port in TIME_WAIT, not one in use
        server.server_bind()
        server.server_activate()
    except OverflowError:
        raise ServeError(f"{port} is not a port number: choose one from 1024 to 65535 with --port") from None
    except OSError as error:
        server.server_close()
        if error.errno == errno.EADDRINUSE:
            raise ServeError(
                f"port {port} is already in use (another ./dev serve?): stop it, or choose "
                f"another port with --port {port + 1 if port < 65535 else 8001}"
            ) from None
        raise ServeError(f"cannot listen on {host}:{port} ({error.strerror}): choose another with --port") from None
    return server


def serve(
    builder: list[str],
    directory: str,
    port: int,
    host: str = "127.0.0.1",
    after_stop: Callable[[], None] | None = None,
    say: Callable[[str], None] = print,
    env: dict | None = None,
) -> int:
    """Serve ``directory`` on ``host:port`` while ``builder`` (a command that builds
    and rebuilds it) runs; return the exit status when either ends.

    ``after_stop`` runs once the builder has exited (e.g. to remove what an
    interrupted build left). Raises ServeError before starting anything when
    the port cannot be bound. ``env``: the builder's environment (default: ours).
    """
    server = bind(host, port, directory)
    previous = {}

    def stop(signum, _frame):
        raise _Stopped(signum)

    child = thread = None
    status = 0
    try:
        for signum in STOP_SIGNALS:
            previous[signum] = signal.signal(signum, stop)
        child = subprocess.Popen(builder, stdin=subprocess.DEVNULL, env=env, preexec_fn=DIE_WITH_PARENT)  # noqa: PLW1509
        thread = threading.Thread(target=server.serve_forever, name="serve", daemon=True)
        thread.start()
        say(f"Serving the site at http://{host}:{port}/ (rebuilt on every change; Ctrl-C to stop)")
        status = child.wait()
    except _Stopped as stopped:
        status = 128 + stopped.signum
    finally:
        # Cleaning up must not be cut short by a second Ctrl-C or kill.
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)
        if thread is not None:
            server.shutdown()
        server.server_close()
        # Asked first (SIGTERM), killed after STOP_TIMEOUT seconds if it is still there.
        stop_child(child, grace=STOP_TIMEOUT, reap_timeout=STOP_TIMEOUT)
        if after_stop is not None:
            after_stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return status

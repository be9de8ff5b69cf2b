"""Debian's nginx serving a built site with the project's configuration (deploy/nginx/).

The server runs in the foreground (no daemon, no worker processes, so no user switch),
on 127.0.0.1 and a free port, with its pid, logs and temporary files in a temporary
directory; it stops when the context exits.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
LOCATIONS = ROOT / "deploy" / "nginx" / "locations.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")

CONFIG = """\
load_module {brotli};
daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        include {locations};
    }}
}}
"""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check_installed() -> None:
    if not Path(NGINX).is_file():
        raise RuntimeError(f"{NGINX} not found: apt-get install nginx")
    if not BROTLI_MODULE.is_file():
        raise RuntimeError(f"{BROTLI_MODULE} not found: apt-get install libnginx-mod-http-brotli-static")


def write_config(tmp: Path, root: Path, port: int) -> Path:
    """nginx.conf for ``root``; the build's headers file becomes the snippet nginx includes."""
    snippets = tmp / "snippets"
    snippets.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(root / "_nginx" / "security-headers.conf", snippets / "actions-urgentes-headers.conf")
    config = tmp / "nginx.conf"
    config.write_text(
        CONFIG.format(brotli=BROTLI_MODULE, tmp=tmp, port=port, root=root, locations=LOCATIONS),
        "utf-8",
    )
    return config


def check_config(root: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the configuration for ``root``."""
    _check_installed()
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        config = write_config(Path(tmp), Path(root).resolve(), free_port())
        return subprocess.run(
            [NGINX, "-t", "-p", tmp, "-c", str(config)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )


@contextlib.contextmanager
def serve_with_nginx(root: str | Path, port: int | None = None) -> Iterator[str]:
    """Serve the built site ``root`` with nginx; yield ``http://127.0.0.1:PORT``."""
    _check_installed()
    root = Path(root).resolve()
    port = port or free_port()
    with tempfile.TemporaryDirectory(prefix="nginx-") as tmp:
        config = write_config(Path(tmp), root, port)
        output = Path(tmp) / "stderr.log"
        with output.open("wb") as stderr:
            process = subprocess.Popen([NGINX, "-p", tmp, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            deadline = time.monotonic() + 10
            while True:
                if process.poll() is not None:
                    log = Path(tmp) / "error.log"
                    raise RuntimeError(
                        "nginx stopped: " + output.read_text() + (log.read_text() if log.exists() else "")
                    )
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not listen on 127.0.0.1:{port}")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

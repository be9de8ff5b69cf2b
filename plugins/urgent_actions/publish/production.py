"""Production output: fingerprinted assets, precompressed copies, server files, manifest.

Run by the plugin on the staging directory at the end of a build (after every
page and the search index are written, before the output is swapped in), when
the matching settings are on (publishconf.py turns them on; see settings.py):

- ``UA_FINGERPRINT_ASSETS``: ``theme/css/site.css`` becomes
  ``theme/css/site.<10 hex of its SHA-256>.css`` and every reference to it in the
  site's text files is rewritten, so servers may cache assets for a year;
- ``UA_PRECOMPRESS``: ``name.gz`` (gzip, mtime 0) and ``name.br`` (brotli)
  beside every text file, byte-for-byte reproducible, for nginx's
  ``gzip_static``/``brotli_static``; the copies are kept between builds by the
  bytes they compress (``UA_COMPRESSED_CACHE_PATH``);
- ``UA_SERVER_FILES``: ``_headers`` and ``_redirects`` (Netlify, Cloudflare
  Pages) and ``_nginx/security-headers.conf`` (deploy/nginx/), all from
  :func:`security_headers`;
- ``UA_BUILD_MANIFEST``: ``_build-manifest.json``, written last, listing every
  file with its SHA-256: ``deploy.py`` deploys nothing else.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
import logging
import os
import re
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import brotli

logger = logging.getLogger(__name__)

MANIFEST = "_build-manifest.json"
MANIFEST_FORMAT = 1
# Theme assets are fingerprinted; content images keep their names (feeds and
# partners link to them).
ASSET_DIR = "theme"
HASH_LENGTH = 10
# Files whose text may reference an asset.
REFERENCING = {".html", ".css", ".js", ".mjs", ".xml", ".json", ".webmanifest", ".txt", ".ics"}
# Files worth compressing (images and Pagefind's fragments are compressed already).
COMPRESSIBLE = {
    ".html",
    ".css",
    ".js",
    ".mjs",
    ".json",
    ".xml",
    ".svg",
    ".ics",
    ".txt",
    ".webmanifest",
    ".map",
    ".csv",
}
# Below this size a compressed copy saves nothing worth a request header.
MIN_COMPRESS_SIZE = 256


def changes_files(ua: dict) -> bool:
    """Whether :func:`finish` has anything to do with these settings."""
    return any(ua[key] for key in ("UA_FINGERPRINT_ASSETS", "UA_SERVER_FILES", "UA_PRECOMPRESS", "UA_BUILD_MANIFEST"))


def finish(output: str, settings: dict, ua: dict, previous: str | None = None) -> None:
    """Apply the production steps the settings ask for, in order, to ``output``.

    ``previous`` is the last published output, whose compressed copies of files
    that did not change are reused (brotli at quality 11 is the slow step).
    """
    root = Path(output)
    siteurl = settings.get("SITEURL", "") or ""
    if ua["UA_FINGERPRINT_ASSETS"]:
        renamed = fingerprint_assets(root, siteurl)
        logger.info("Fingerprinted %d theme assets", len(renamed))
    if ua["UA_SERVER_FILES"]:
        write_server_files(root, security_headers(settings, ua, root))
    if ua["UA_PRECOMPRESS"]:
        cache = ua["UA_COMPRESSED_CACHE_PATH"] or os.path.join(ua["UA_CACHE_PATH"], "compressed")
        count = precompress(root, Path(previous) if previous else None, Path(cache))
        logger.info("Precompressed %d text files (gzip and brotli)", count)
    if ua["UA_BUILD_MANIFEST"]:
        write_manifest(root, siteurl, ua)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprinted_name(relative: str, data: bytes) -> str:
    """``theme/css/site.css`` -> ``theme/css/site.<hash>.css``."""
    folder, name = os.path.split(relative)
    stem, ext = os.path.splitext(name)
    name = f"{stem}.{_digest(data)[:HASH_LENGTH]}{ext}"
    return f"{folder}/{name}" if folder else name


def _reference_pattern(relatives: list[str], siteurl: str) -> re.Pattern:
    # "/theme/css/site.css" as a whole URL path: after SITEURL, or after a
    # character that cannot be part of a URL path (quote, parenthesis, space, =).
    paths = "|".join(re.escape("/" + r) for r in sorted(relatives, key=len, reverse=True))
    before = r"(?<![\w./~%-])"
    if siteurl:
        before = rf"(?:(?<={re.escape(siteurl.rstrip('/'))})|{before})"
    return re.compile(rf"{before}({paths})(?![\w/.-])")


def _rewrite(files: list[Path], mapping: dict[str, str], siteurl: str) -> None:
    if not mapping:
        return
    pattern = _reference_pattern(list(mapping), siteurl)
    for path in files:
        text = path.read_text("utf-8")
        changed = pattern.sub(lambda m: "/" + mapping[m.group(1)[1:]], text)
        if changed != text:
            # Through a new file and a rename: the page may be a hard link to
            # the published site (incremental builds), never written in place.
            temporary = path.with_name(path.name + ".tmp-rewrite")
            temporary.write_text(changed, "utf-8")
            os.replace(temporary, path)


def fingerprint_assets(root: Path, siteurl: str) -> dict[str, str]:
    """Rename every file under theme/ with its hash; rewrite references. Returns old -> new.

    Images and fonts go first, then stylesheets and scripts (whose hash then
    covers the rewritten references to the former).
    """
    assets = sorted(p for p in (root / ASSET_DIR).rglob("*") if p.is_file())
    leaves = [p for p in assets if p.suffix not in REFERENCING]
    referencing_assets = [p for p in assets if p.suffix in REFERENCING]
    mapping: dict[str, str] = {}
    for group in (leaves, referencing_assets):
        if group is referencing_assets:
            _rewrite(group, mapping, siteurl)
        for path in group:
            relative = path.relative_to(root).as_posix()
            new = fingerprinted_name(relative, path.read_bytes())
            os.replace(path, root / new)
            mapping[relative] = new
    others = [
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in REFERENCING and not p.relative_to(root).as_posix().startswith(ASSET_DIR + "/")
    ]
    _rewrite(others, mapping, siteurl)
    return mapping


# The two compressed copies: suffix, compressor, decompressor.
_CODINGS = (
    (".gz", lambda data: gzip.compress(data, compresslevel=9, mtime=0), gzip.decompress),
    (".br", lambda data: brotli.compress(data, quality=11), brotli.decompress),
)


def _checked(path: Path | None, data: bytes, decompress) -> bytes | None:
    """The compressed copy at ``path`` if it decompresses to ``data``; a missing or
    damaged copy gives None (decompressing is fast; compressing is the slow step)."""
    if path is None:
        return None
    try:
        packed = path.read_bytes()
        return packed if decompress(packed) == data else None
    except (OSError, EOFError, zlib.error, brotli.error):
        return None


class CompressedCopies:
    """Compressed copies kept between builds in ``directory``, named by the SHA-256 of
    the file's bytes: the same bytes are never compressed twice, whatever their path
    (the web editor's 5 MB script takes 10 s of brotli at quality 11). Every copy is
    checked before use; :meth:`prune` keeps only the copies the last build used.

    Builds may share the directory (the tests' builds do): copies are written
    through a temporary file and a rename, under a lock per copy, and any error
    (another build pruning the directory meanwhile) only costs a compression."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.used: set[str] = set()

    def copy(self, data: bytes, digest: str, coding: tuple, known: bytes | None) -> bytes:
        """The copy of ``data`` (whose SHA-256 is ``digest``) in ``coding``: ``known``
        (taken from the previous output), else the kept one, else compressed now;
        kept for the next build in any case."""
        suffix, compress, decompress = coding
        name = digest + suffix
        self.used.update((name, name + ".lock"))
        kept = self.directory / name
        with self._lock(name):
            if known is not None:
                if not kept.is_file():
                    self._keep(kept, known)
                return known
            packed = _checked(kept, data, decompress)
            if packed is None:
                packed = compress(data)
                self._keep(kept, packed)
            return packed

    @contextlib.contextmanager
    def _lock(self, name: str):
        """One thread or build at a time per copy: files with the same bytes, in this
        build or in builds running beside it, are compressed once."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = open(self.directory / (name + ".lock"), "wb")  # noqa: SIM115 (held until the end)
        except OSError:
            yield  # no lock: at worst the copy is made twice
            return
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _keep(self, path: Path, packed: bytes) -> None:
        temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(packed)
            os.replace(temporary, path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def prune(self) -> None:
        try:
            names = os.listdir(self.directory)
        except OSError:
            return
        for name in names:
            if name not in self.used:
                (self.directory / name).unlink(missing_ok=True)


def _compress_one(path: Path, root: Path, previous: Path | None, cache: CompressedCopies | None) -> int:
    data = path.read_bytes()
    old = previous / path.relative_to(root) if previous is not None else None
    unchanged = old is not None and old.is_file() and old.read_bytes() == data
    digest = _digest(data) if cache is not None else ""
    written = 0
    for coding in _CODINGS:
        suffix, compress, decompress = coding
        target = path.with_name(path.name + suffix)
        packed = _checked(old.with_name(old.name + suffix) if unchanged else None, data, decompress)
        if cache is not None:
            packed = cache.copy(data, digest, coding, packed)
        elif packed is None:
            packed = compress(data)
        if len(packed) < len(data):
            target.write_bytes(packed)
            written = 1
        elif target.exists():
            target.unlink()
    return written


def precompress(root: Path, previous: Path | None = None, cache: Path | None = None) -> int:
    """Write .gz and .br copies of every text file (when smaller); returns the count.

    Copies are taken from ``previous`` (an earlier output) for files whose bytes are
    the same there, or from the ``cache`` directory (:class:`CompressedCopies`):
    compression is deterministic, so the result is identical.
    """
    files = sorted(
        p for p in root.rglob("*") if p.is_file() and p.suffix in COMPRESSIBLE and p.stat().st_size >= MIN_COMPRESS_SIZE
    )
    if previous is not None and not previous.is_dir():
        previous = None
    copies = CompressedCopies(cache) if cache is not None else None
    # zlib and brotli release the GIL while compressing.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        count = sum(pool.map(lambda path: _compress_one(path, root, previous, copies), files))
    if copies is not None:
        copies.prune()
    return count


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def security_headers(settings: dict, ua: dict, root: Path | None = None) -> dict[str, str]:
    """The headers every response carries, from the settings.

    The Content-Security-Policy allows nothing inline and no other origin, except
    as a form target: the sign-up service (``SIGNUP_FORM_URL``) and ``UA_FORM_ORIGINS``.
    Pagefind compiles WebAssembly, which needs 'wasm-unsafe-eval' (not 'unsafe-eval').
    """
    form_origins = ["'self'"]
    for url in [settings.get("SIGNUP_FORM_URL", "")] + list(ua["UA_FORM_ORIGINS"]):
        origin = _origin(url)
        if origin and origin not in form_origins:
            form_origins.append(origin)
    script = "'self'"
    if root is not None and (root / "pagefind").is_dir():
        script += " 'wasm-unsafe-eval'"
    csp = "; ".join(
        [
            "default-src 'self'",
            f"script-src {script}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "form-action " + " ".join(form_origins),
        ]
    )
    return {
        "Content-Security-Policy": csp,
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Permissions-Policy": (
            "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
            "microphone=(), payment=(), usb=()"
        ),
        "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


ADMIN_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob: https:",
        "connect-src 'self' https://api.github.com",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

# The email editions (/envois/<slug>/courriel.html) are made for mail clients:
# every style is in a style attribute, and /envois/ shows them in frames.
EMAIL_EDITION_CSP = "; ".join(
    [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src 'self' https: data:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self'",
    ]
)

LONG_CACHE = "public, max-age=31536000, immutable"
_REFRESH = re.compile(rb'<meta\s+http-equiv="refresh"\s+content="0;\s*url=([^"]+)"', re.IGNORECASE)


def _redirects(root: Path) -> list[tuple[str, str]]:
    """Redirect pages written by the build (aliases): (old path, new URL)."""
    found = []
    for page in sorted(root.rglob("index.html")):
        if page.stat().st_size > 4096:
            continue
        match = _REFRESH.search(page.read_bytes())
        if match:
            old = "/" + page.parent.relative_to(root).as_posix() + "/"
            found.append((old, match.group(1).decode("utf-8")))
    return found


def write_server_files(root: Path, headers: dict[str, str]) -> None:
    """_headers, _redirects and _nginx/security-headers.conf."""
    lines = ["/*"] + [f"  {name}: {value}" for name, value in headers.items()]
    # Netlify and Cloudflare Pages join the values of every matching rule, so
    # Cache-Control is set for fingerprinted assets only (HTML keeps the host's
    # default: revalidate every time).
    lines += ["", f"/{ASSET_DIR}/*", "  Cache-Control: " + LONG_CACHE]
    (root / "_headers").write_text("\n".join(lines) + "\n", "utf-8")
    redirects = _redirects(root)
    (root / "_redirects").write_text("".join(f"{old} {new} 301\n" for old, new in redirects), "utf-8")
    nginx = ["# Written by the build (plugins/urgent_actions/production.py); do not edit."]
    for name, value in [*headers.items(), ("admin CSP", ADMIN_CSP), ("email CSP", EMAIL_EDITION_CSP)]:
        if '"' in value:
            raise ValueError(f"header {name} cannot contain a double quote: {value}")
    # The web editor (/admin/, Decap CMS) injects its styles and talks to GitHub's
    # API: it gets its own, looser policy; every other page keeps the strict one.
    nginx.append(f'set $ua_csp "{headers["Content-Security-Policy"]}";')
    nginx.append(f'if ($uri ~ "^/admin/") {{ set $ua_csp "{ADMIN_CSP}"; }}')
    nginx.append(f'if ($uri ~ "^/envois/[^/]+/courriel\\.html$") {{ set $ua_csp "{EMAIL_EDITION_CSP}"; }}')
    for name, value in headers.items():
        if name == "Content-Security-Policy":
            nginx.append("add_header Content-Security-Policy $ua_csp always;")
        else:
            nginx.append(f'add_header {name} "{value}" always;')
    (root / "_nginx").mkdir(exist_ok=True)
    (root / "_nginx" / "security-headers.conf").write_text("\n".join(nginx) + "\n", "utf-8")


def file_hashes(root: Path, skip=(MANIFEST,)) -> dict[str, str]:
    """Every file under ``root`` (relative POSIX path -> SHA-256), ignoring .git."""
    hashes = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] == ".git" or relative in skip or not path.is_file():
            continue
        hashes[relative] = _digest(path.read_bytes())
    return hashes


def write_manifest(root: Path, siteurl: str, ua: dict) -> None:
    """The last file of the build: what a complete, successful output contains."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "complete": True,
        "siteurl": siteurl,
        "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH", ""),
        "fingerprinted": bool(ua["UA_FINGERPRINT_ASSETS"]),
        "precompressed": bool(ua["UA_PRECOMPRESS"]),
        "files": file_hashes(root),
    }
    data = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    temporary = root / (MANIFEST + ".tmp")
    temporary.write_text(data, "utf-8")
    os.replace(temporary, root / MANIFEST)

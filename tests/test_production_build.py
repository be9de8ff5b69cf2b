"""The production build (publishconf.py): fingerprinted assets, precompressed copies,
server header files and the build manifest; the development build has none of them."""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import re
import threading

import brotli
import pytest
from production_site import SIGNUP_FORM_URL

from helpers import web_pages
from urgent_actions.publish import production
from urgent_actions.settings import resolve

FINGERPRINTED = re.compile(r"\.[0-9a-f]{10}\.[a-z0-9]+$")
LOCAL_REFERENCE = re.compile(r'(?:href|src)="(?:http://127\.0\.0\.1:\d+)?(/[^"#?]*)"')


def test_every_theme_asset_is_named_after_its_content(production_site):
    output, _ = production_site
    assets = [p for p in (output / "theme").rglob("*") if p.is_file() and p.suffix not in {".gz", ".br"}]
    assert {p.suffix for p in assets} >= {".css", ".js", ".svg"}
    for path in assets:
        assert FINGERPRINTED.search(path.name), path
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[: production.HASH_LENGTH]
        assert path.name.split(".")[-2] == digest, path


def test_every_asset_the_pages_reference_exists(production_site):
    # Pages (archive, join...) come from other parts of the site; assets are this build's.
    output, port = production_site
    # The web editor (admin/) is Decap CMS's own page, not the site's theme.
    pages = [p for p in web_pages(output) if not p.relative_to(output).as_posix().startswith("admin/")]
    assert pages
    for page in pages:
        html = page.read_text("utf-8")
        assert "/theme/css/site.css" not in html and "/theme/js/site.js" not in html, page
        for path in LOCAL_REFERENCE.findall(html):
            if not path.startswith(("/theme/", "/images/")):
                continue
            target = output / path.lstrip("/")
            assert target.is_file(), f"{page.relative_to(output)} links to missing {path}"
        assert f'href="http://127.0.0.1:{port}/theme/css/site.' in html


def test_text_files_have_identical_gzip_and_brotli_copies(production_site):
    output, _ = production_site
    texts = [
        p
        for p in output.rglob("*")
        if p.suffix in {".html", ".css", ".js", ".svg"} and p.stat().st_size >= production.MIN_COMPRESS_SIZE
    ]
    assert len(texts) > 20
    for path in texts:
        data = path.read_bytes()
        packed_gz = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(packed_gz) == data, path
        # No timestamp in the gzip header: the copies are reproducible.
        assert packed_gz[4:8] == b"\0\0\0\0", path
        assert brotli.decompress(path.with_name(path.name + ".br").read_bytes()) == data, path


def test_compression_is_deterministic(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<p>Libérez Karim Example</p>\n" * 50, "utf-8")
    production.precompress(tmp_path)
    first = (
        page.with_name("page.html.gz").read_bytes(),
        page.with_name("page.html.br").read_bytes(),
    )
    production.precompress(tmp_path)
    assert (
        page.with_name("page.html.gz").read_bytes(),
        page.with_name("page.html.br").read_bytes(),
    ) == first


def test_compressed_copies_are_kept_by_their_bytes_and_reused(tmp_path, monkeypatch):
    text = "<p>Libérez Karim Example</p>\n" * 50
    cache = tmp_path / "cache"
    first, second = tmp_path / "first", tmp_path / "second"
    for root in (first, second):
        (root / "theme").mkdir(parents=True)
        (root / "same.html").write_text(text, "utf-8")
        # The same bytes under another name are compressed once all the same.
        (root / "theme" / "copy.html").write_text(text, "utf-8")
        (root / "changed.html").write_text(text if root is first else text + "<p>Mis à jour</p>\n", "utf-8")
    compressed: list[bytes] = []
    real = brotli.compress
    monkeypatch.setattr(brotli, "compress", lambda data, **options: compressed.append(data) or real(data, **options))
    production.precompress(first, cache=cache)
    data, changed = text.encode("utf-8"), (second / "changed.html").read_bytes()
    assert sorted(compressed) == [data]
    compressed.clear()
    production.precompress(second, cache=cache)
    # Only the changed file is compressed again; the copies are Brotli's own bytes.
    assert compressed == [changed]
    for name in ("same.html", "theme/copy.html", "changed.html"):
        source = (second / name).read_bytes()
        assert (second / (name + ".br")).read_bytes() == real(source, quality=11), name
        assert (second / (name + ".gz")).read_bytes() == gzip.compress(source, compresslevel=9, mtime=0), name
    # The cache keeps what the last build used: the first build's changed.html is gone.
    digests = {hashlib.sha256(b).hexdigest() for b in (data, changed)}
    kept = {p.name for p in cache.iterdir() if p.suffix in {".br", ".gz"}}
    assert kept == {d + s for d in digests for s in (".br", ".gz")}


def _page_and_cache(tmp_path):
    """A page to compress, its bytes, an empty cache directory and the page's digest."""
    page = tmp_path / "output" / "page.html"
    page.parent.mkdir()
    page.write_text("<p>Libérez Karim Example</p>\n" * 50, "utf-8")
    data, cache = page.read_bytes(), tmp_path / "cache"
    cache.mkdir()
    return page, data, cache, hashlib.sha256(data).hexdigest()


def test_a_damaged_kept_copy_is_compressed_again(tmp_path):
    page, data, cache, digest = _page_and_cache(tmp_path)
    (cache / f"{digest}.br").write_bytes(brotli.compress(b"something else", quality=11))
    (cache / f"{digest}.gz").write_bytes(b"damaged")
    production.precompress(page.parent, cache=cache)
    assert page.with_name("page.html.br").read_bytes() == brotli.compress(data, quality=11)
    assert page.with_name("page.html.gz").read_bytes() == gzip.compress(data, compresslevel=9, mtime=0)
    assert (cache / f"{digest}.br").read_bytes() == brotli.compress(data, quality=11)


def test_a_copy_another_build_is_making_is_waited_for_not_made_again(tmp_path, monkeypatch):
    page, data, cache, digest = _page_and_cache(tmp_path)
    compressed: list[bytes] = []
    real = brotli.compress
    monkeypatch.setattr(brotli, "compress", lambda data, **options: compressed.append(data) or real(data, **options))
    with open(cache / f"{digest}.br.lock", "wb") as other_build:
        fcntl.flock(other_build, fcntl.LOCK_EX)
        build = threading.Thread(target=production.precompress, args=(page.parent,), kwargs={"cache": cache})
        build.start()
        build.join(timeout=0.5)
        assert build.is_alive()
        (cache / f"{digest}.br").write_bytes(real(data, quality=11))
    build.join(timeout=60)
    assert not build.is_alive()
    assert compressed == []
    assert page.with_name("page.html.br").read_bytes() == real(data, quality=11)


@pytest.mark.parametrize("explicit", [False, True], ids=["under-the-cache-path", "own-path"])
def test_the_build_keeps_its_compressed_copies_where_the_settings_say(tmp_path, explicit):
    output = tmp_path / "output"
    output.mkdir()
    (output / "page.html").write_text("<p>Libérez Karim Example</p>\n" * 50, "utf-8")
    own = tmp_path / "copies"
    ua = resolve(
        {
            "UA_PRECOMPRESS": True,
            "UA_CACHE_PATH": str(tmp_path / "cache"),
            "UA_COMPRESSED_CACHE_PATH": str(own) if explicit else "",
        }
    )
    production.finish(str(output), {}, ua)
    digest = hashlib.sha256((output / "page.html").read_bytes()).hexdigest()
    kept = own if explicit else tmp_path / "cache" / "compressed"
    assert (kept / f"{digest}.br").read_bytes() == (output / "page.html.br").read_bytes()
    assert (kept / f"{digest}.gz").read_bytes() == (output / "page.html.gz").read_bytes()


def test_the_manifest_lists_every_file_with_its_hash(production_site):
    output, port = production_site
    manifest = json.loads((output / production.MANIFEST).read_text("utf-8"))
    files = {
        p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file() and p.name != production.MANIFEST
    }
    assert set(manifest["files"]) == files
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((output / name).read_bytes()).hexdigest() == digest, name
    assert manifest["complete"] is True
    assert manifest["siteurl"] == f"http://127.0.0.1:{port}"
    assert manifest["fingerprinted"] and manifest["precompressed"]


def test_the_content_security_policy_allows_nothing_inline_and_no_other_origin(production_site):
    output, _ = production_site
    headers = dict(
        line.strip().split(": ", 1) for line in (output / "_headers").read_text("utf-8").splitlines() if ": " in line
    )
    csp = headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert "unsafe-inline" not in csp and "unsafe-eval'" not in csp.replace("wasm-unsafe-eval'", "")
    assert directives["default-src"] == "'self'"
    assert directives["form-action"] == "'self' https://forms.example.net"
    assert SIGNUP_FORM_URL.startswith("https://forms.example.net/")
    other_origins = [token for token in csp.split() if "://" in token]
    assert other_origins == ["https://forms.example.net"]
    for name in (
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Permissions-Policy",
        "Strict-Transport-Security",
    ):
        assert headers[name], name
    nginx = (output / "_nginx" / "security-headers.conf").read_text("utf-8")
    assert f'set $ua_csp "{csp}";' in nginx
    assert "add_header Content-Security-Policy $ua_csp always;" in nginx
    assert 'if ($uri ~ "^/admin/") { set $ua_csp "' in nginx  # only the editor gets a looser policy


def test_the_development_build_keeps_plain_names_and_writes_no_production_file(built_site):
    assert (built_site / "theme" / "css" / "site.css").is_file()
    for name in (production.MANIFEST, "_headers", "_nginx", "index.html.gz", "index.html.br"):
        assert not (built_site / name).exists(), name


def test_a_fingerprinted_reference_is_rewritten_only_as_a_whole_path(tmp_path):
    theme = tmp_path / "theme" / "css"
    theme.mkdir(parents=True)
    (theme / "site.css").write_text("body{color:#000}", "utf-8")
    page = tmp_path / "index.html"
    page.write_text(
        '<link href="https://a.example.org/theme/css/site.css">'
        '<link href="/theme/css/site.css?v=1">'
        '<a href="/x/theme/css/site.css">keep</a><a href="/theme/css/site.css.map">keep</a>',
        "utf-8",
    )
    mapping = production.fingerprint_assets(tmp_path, "https://a.example.org")
    new = mapping["theme/css/site.css"]
    assert (tmp_path / new).is_file() and not (theme / "site.css").exists()
    assert page.read_text("utf-8") == (
        f'<link href="https://a.example.org/{new}">'
        f'<link href="/{new}?v=1">'
        '<a href="/x/theme/css/site.css">keep</a><a href="/theme/css/site.css.map">keep</a>'
    )


def test_compressed_copies_of_unchanged_files_are_taken_from_the_previous_output(tmp_path):
    text = "<p>Libérez Karim Example</p>\n" * 50
    previous, output = tmp_path / "previous", tmp_path / "output"
    for root in (previous, output):
        root.mkdir()
        (root / "same.html").write_text(text, "utf-8")
        (root / "changed.html").write_text(text if root is previous else text + "<p>Mis à jour</p>\n", "utf-8")
    data = text.encode("utf-8")
    # Valid but different from what the build makes: proves reuse.
    (previous / "same.html.br").write_bytes(brotli.compress(data, quality=1))
    (previous / "changed.html.br").write_bytes(brotli.compress(data, quality=1))
    (previous / "same.html.gz").write_bytes(b"damaged")
    production.precompress(output, previous)
    assert (output / "same.html.br").read_bytes() == (previous / "same.html.br").read_bytes()
    assert (output / "same.html.gz").read_bytes() == gzip.compress(data, compresslevel=9, mtime=0)
    changed = (output / "changed.html").read_bytes()
    assert brotli.decompress((output / "changed.html.br").read_bytes()) == changed
    assert (output / "changed.html.br").read_bytes() == brotli.compress(changed, quality=11)

"""Shared fixtures: the sample site, built once per test session with a fixed date."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import helpers
from helpers import ROOT, run_pelican


@pytest.fixture(scope="session", autouse=True)
def shared_compressed_copies(tmp_path_factory, pytestconfig):
    """One directory of compressed copies for every production build, the ./dev and
    invoke ones in clones included (publishconf.py reads the variable): shared by the
    pytest-xdist workers, and kept beside pytest's numbered temporary directories for
    the next run (./dev test runs pytest twice), so that the same bytes are compressed
    once (brotli takes 10 s on the web editor's script). Copies are checked before use."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, common to the workers
    directory = base / "compressed-copies" if pytestconfig.option.basetemp else base.parent / "ua-compressed-copies"
    before = os.environ.get("UA_COMPRESSED_CACHE_PATH")
    os.environ["UA_COMPRESSED_CACHE_PATH"] = str(directory)
    yield directory
    if before is None:
        del os.environ["UA_COMPRESSED_CACHE_PATH"]
    else:
        os.environ["UA_COMPRESSED_CACHE_PATH"] = before


@pytest.fixture(scope="session", autouse=True)
def shared_bytecode(tmp_path_factory, pytestconfig):
    """One directory of compiled bytecode for the builds the tests start from this
    checkout (helpers.with_bytecode), shared by the workers and kept for the next run,
    as the compressed copies are."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    directory = base / "bytecode" if pytestconfig.option.basetemp else base.parent / "ua-bytecode"
    directory.mkdir(mode=0o700, exist_ok=True)
    helpers.BYTECODE = directory
    yield directory
    helpers.BYTECODE = None


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The project's own content/, built with the development settings on 2026-11-24."""
    output = tmp_path_factory.mktemp("sample") / "output"
    result = run_pelican(ROOT, ROOT / "content", output)
    assert result.returncode == 0, result.stderr + result.stdout
    return output


@pytest.fixture(scope="module")
def site_url(built_site):
    """The sample site served on 127.0.0.1 (a free port) for the module's browser tests."""
    from support.server import serve_directory

    with serve_directory(built_site) as url:
        yield url


# The one Chromium of the session (Debian's, through Playwright), for browser tests.
# The sample site built for production (publishconf.py) and served by nginx.
from production_site import production_site, served_site  # noqa: F401

from support.browser import browser, open_page  # noqa: F401

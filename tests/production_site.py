"""Session fixtures: the sample site built with publishconf.py and served by Debian's nginx.

The site is built for the address nginx will serve it from (SITEURL is absolute
in production), so that every URL in it stays on the site's own origin. Its
content is the sample site's, but for one open action's photo: a phone's, as an
editor uploads it (4032 × 3024, GPS position, rotated by its EXIF), which the
audited action page shows (tests/test_lighthouse.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers import ROOT, run_pelican
from support.nginx import free_port, serve_with_nginx
from support.photos import phone_photo

# A sign-up service on another origin: the CSP must allow forms to post there, and only there.
SIGNUP_FORM_URL = "https://forms.example.net/subscribe/ua"
# The open action whose photo is the phone's, and the photo's path in content/.
PHONE_PHOTO_ACTION, PHONE_PHOTO = "belarus-syndicaliste-emprisonne", "images/ales-exemple.jpg"


@pytest.fixture(scope="session")
def production_site(tmp_path_factory) -> tuple[Path, int]:
    """(output directory, port) of the production build of content/."""
    port = free_port()
    root = tmp_path_factory.mktemp("production")
    output, content = root / "output", root / "content"
    shutil.copytree(ROOT / "content", content)
    assert f"image: {PHONE_PHOTO}" in (content / "actions" / f"{PHONE_PHOTO_ACTION}.md").read_text("utf-8")
    phone_photo(content / PHONE_PHOTO)
    result = run_pelican(
        ROOT,
        content,
        output,
        settings="publishconf.py",
        extra_env={"SITEURL": f"http://127.0.0.1:{port}"},
        # One -e with every value: a second -e would replace the first.
        extra_args=["-e", f'PATH="{content}"', f'SIGNUP_FORM_URL="{SIGNUP_FORM_URL}"'],
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return output, port


@pytest.fixture(scope="session")
def served_site(production_site) -> str:
    """The production build served by nginx with deploy/nginx/locations.conf."""
    output, port = production_site
    with serve_with_nginx(output, port=port) as url:
        yield url

"""An action on a phone and on a desktop, in real Chromium: the way to write comes
first, the latest news comes first, every control is big enough for a thumb.

Screenshots of an open, a closed and a good-news action at 360 x 800 and
1280 x 900 are written to ``$UA_SCREENSHOTS_DIR`` when it is set, otherwise to
a ``screenshots`` directory under the session's pytest temporary directory (the
test prints it), for a reviewer to look at.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from test_pages_quality import page_types

from helpers import BUILD_DATE, ROOT
from support.layout import SEND, measure
from urgent_actions.content.loading import load_site

SIZES = [(360, 800), (1280, 900)]
FIRST_SEND_LIMIT = 1000  # CSS px from the top of the page
SCREENSHOTS = {
    "open": "egypte-chercheur-detenu",
    "closed": "mexique-journaliste-protection",
    "good-news": "tunisie-blogueuse-liberee",
}


@pytest.fixture(scope="module")
def sample():
    return {a.slug: a for a in load_site(str(ROOT / "content")).listed}


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get("UA_SCREENSHOTS_DIR")
    path = Path(chosen) if chosen else tmp_path_factory.getbasetemp() / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sized_page(open_page, site_url, width, height, javascript=True):
    page = open_page(width=width, javascript=javascript, base_url=site_url)
    page.set_viewport_size({"width": width, "height": height})
    return page


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_first_send_control_is_on_the_first_screen(site_url, open_page, sample, screenshot_dir, width, height):
    """On every open action, the first control that sends a message is within one
    screen after the intro (title, summary, deadline) and at most 1,000 px down."""
    open_actions = [a for a in sample.values() if a.display_state(BUILD_DATE) == "open"]
    assert len(open_actions) >= 5
    positions, failures = {}, []
    for action in sorted(open_actions, key=lambda a: a.slug):
        for javascript in (True, False):
            page = sized_page(open_page, site_url, width, height, javascript)
            page.goto(f"/{action.url}")
            found = measure(page)
            page.context.close()  # one page at a time; open_page closes it if the test fails first
            where = f"{action.slug} at {width}x{height}{'' if javascript else ' without JavaScript'}"
            positions[where] = found
            first = found["firstSend"]
            if first is None:
                failures.append(f"{where}: no send control")
                continue
            if first["bottom"] > FIRST_SEND_LIMIT:
                failures.append(f"{where}: first send control ends at {first['bottom']} px ({first['what']})")
            if first["bottom"] > found["introBottom"] + height:
                failures.append(
                    f"{where}: first send control ends {first['bottom'] - found['introBottom']} px after the intro"
                )
    report = screenshot_dir / f"first-send-{width}x{height}.json"
    report.write_text(json.dumps(positions, indent=1, ensure_ascii=False), "utf-8")
    print(f"positions: {report}")
    for where, found in positions.items():
        print(where, found["introBottom"], found["firstSend"], found["pageHeight"])
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_controls_are_big_enough_for_a_thumb(built_site, site_url, open_page, width, height):
    """Every send, copy, print and toggle control is at least 44 x 44 px; every text
    input has 16 px text, on every page type of the sample site (with its scripts
    run) and on an open action without JavaScript."""
    pages = sorted({f"/{p.removesuffix('index.html')}" for p in page_types(built_site).values()})
    pages.append("/recherche/")
    failures = []
    checked = 0
    for path in pages:
        for javascript in (True, False) if path.startswith("/actions/") else (True,):
            page = sized_page(open_page, site_url, width, height, javascript)
            page.goto(path, wait_until="load")
            if path == "/recherche/":
                page.wait_for_selector("form[data-search]:not([hidden])")
            found = measure(page)
            checked += page.locator(SEND).count()
            page.context.close()  # one page at a time; open_page closes it if the test fails first
            for problem in found["smallControls"] + found["smallInputs"]:
                failures.append(f"{path} ({'JS' if javascript else 'no JS'}): {problem}")
    assert checked > 10
    assert not failures, "\n".join(failures)


def test_screenshots_of_an_open_a_closed_and_a_good_news_action(site_url, open_page, sample, screenshot_dir):
    written = []
    for state, slug in SCREENSHOTS.items():
        assert sample[slug].display_state(BUILD_DATE) == state, slug
        for width, height in SIZES:
            page = sized_page(open_page, site_url, width, height)
            page.goto(f"/{sample[slug].url}", wait_until="load")
            for full_page in (False, True):
                name = f"{state}-{width}x{height}{'-full' if full_page else ''}.png"
                page.screenshot(path=str(screenshot_dir / name), full_page=full_page)
                written.append(screenshot_dir / name)
            page.context.close()  # one page at a time; open_page closes it if the test fails first
    assert all(path.stat().st_size > 1000 for path in written)
    print("screenshots:", ", ".join(str(p) for p in written))

"""The build date and deadlines are days in Brussels (SOURCE_DATE_EPOCH, daylight
saving), in the built pages and in a cached page checked by the browser."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import action, make_content, run_pelican
from urgent_actions.content.loading import today_in_brussels


@pytest.mark.parametrize(
    "utc, brussels",
    [
        ("2026-03-28T22:59:59", "2026-03-28"),  # winter time, UTC+1
        ("2026-03-28T23:00:00", "2026-03-29"),  # midnight in Brussels, the night clocks go forward
        ("2026-03-29T21:59:59", "2026-03-29"),  # summer time, UTC+2
        ("2026-03-29T22:00:00", "2026-03-30"),
        ("2026-10-24T21:59:59", "2026-10-24"),
        ("2026-10-24T22:00:00", "2026-10-25"),  # the night clocks go back
        ("2026-10-25T22:59:59", "2026-10-25"),
        ("2026-10-25T23:00:00", "2026-10-26"),
    ],
)
def test_build_date_is_the_day_in_brussels_across_daylight_saving(utc, brussels):
    epoch = int(dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC).timestamp())
    assert today_in_brussels(str(epoch)).isoformat() == brussels


def test_an_action_turns_past_deadline_the_day_after_its_deadline(tmp_path):
    content = make_content(tmp_path, {"a": action(deadline="2026-12-24")})
    for utc, state in (("2026-12-24T22:59:00", "open"), ("2026-12-24T23:00:00", "past-deadline")):
        epoch = str(int(dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC).timestamp()))
        out = tmp_path / state
        result = run_pelican(
            tmp_path, content, out, extra_env={"SOURCE_DATE_EPOCH": epoch}, overrides={"UA_SEARCH": False}
        )
        assert result.returncode == 0, result.stderr
        assert f'data-state="{state}"' in (out / "actions/a/index.html").read_text("utf-8")


def test_a_cached_page_shows_a_passed_deadline_as_passed(built_site, open_page):
    from support.server import serve_directory

    with serve_directory(built_site) as url:
        page = open_page(width=1280, base_url=url)
        page.clock.set_fixed_time(dt.datetime(2027, 2, 10, 12, 0, tzinfo=dt.UTC))
        page.goto("/actions/egypte-chercheur-detenu/")
        assert page.locator("article.action").get_attribute("data-state") == "past-deadline"
        assert "dépassée" in page.locator("[data-days-left]").first.inner_text()


@pytest.mark.parametrize(
    "utc, state",
    [("2026-12-24T22:59:00", "open"), ("2026-12-24T23:00:00", "past-deadline")],
)
def test_the_cached_page_check_turns_at_midnight_in_brussels(built_site, open_page, utc, state):
    from support.server import serve_directory

    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    with serve_directory(built_site) as url:
        page = open_page(width=1280, base_url=url)
        page.clock.set_fixed_time(moment)
        page.goto("/actions/egypte-chercheur-detenu/")  # deadline 2026-12-24
        assert page.locator("article.action").get_attribute("data-state") == state

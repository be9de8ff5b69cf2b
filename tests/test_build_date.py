"""The build date is today's date in Europe/Brussels, across daylight-saving changes."""

import datetime as dt

import pytest

from urgent_actions.content import today_in_brussels


def _epoch(utc: str) -> str:
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc)
    return str(int(moment.timestamp()))


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Winter time (UTC+1): 22:59 UTC is 23:59 in Brussels, 23:00 UTC is the next day.
        ("2026-03-28T22:59:59", "2026-03-28"),
        ("2026-03-28T23:00:00", "2026-03-29"),
        # Summer time starts 2026-03-29 at 01:00 UTC; next midnight is 22:00 UTC.
        ("2026-03-29T21:59:59", "2026-03-29"),
        ("2026-03-29T22:00:00", "2026-03-30"),
        # Summer time (UTC+2) on the eve of the change back.
        ("2026-10-24T21:59:59", "2026-10-24"),
        ("2026-10-24T22:00:00", "2026-10-25"),
        # Winter time again from 2026-10-25 01:00 UTC; next midnight is 23:00 UTC.
        ("2026-10-25T22:59:59", "2026-10-25"),
        ("2026-10-25T23:00:00", "2026-10-26"),
    ],
)
def test_today_in_brussels_around_midnight_and_dst(utc, expected):
    assert today_in_brussels(_epoch(utc)) == dt.date.fromisoformat(expected)


def test_today_in_brussels_reads_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch("2026-11-23T23:30:00"))
    assert today_in_brussels() == dt.date(2026, 11, 24)

"""Nothing injected, nothing lost: hostile text everywhere, killed builds,
reproducible output, deadlines on the right day in Brussels, old addresses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import feedparser
import pytest
from helpers import BUILD_EPOCH, ROOT, action, dump_front, make_content, run_pelican
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from jinja2 import Environment
from markupsafe import Markup
from test_build import tree_digest
from urgent_actions.render import templating

sys.path.insert(0, str(ROOT))
from urgent_actions.content.loading import today_in_brussels
from urgent_actions.render.markdown_renderer import MarkdownRenderer

from benchmarks.bench import differences  # the project root: the benchmark's comparison

LINE = "Ré<script>alert('x')</script> & \"dq\" {{ 7*7 }} {% raw %} %0A \u202eRTL\u202c 😀 نور"
TEXT = LINE + "\r\nX-Injected: 1\n\n</textarea><img src=x onerror=alert(1)> ]]> --> <!--"


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    return tree


def hostile_action() -> dict:
    target = {
        "name": LINE, "role": LINE, "salutation": LINE, "address": TEXT + "\nÉGYPTE\n",
        "email": "ministre@example.org", "sms": "+20 100 000 0000", "twitter": "@Hostile_Example",
    }
    return action(
        title=LINE, people=[LINE], summary=LINE[:200], targets=[target],
        copies=[{"name": LINE, "email": "copie@example.org", "address": TEXT}],
        letters=[{"language": "fr", "subject": LINE, "body": TEXT, "closing": TEXT}],
        sms="<b>&\"{{x}}</b>\u202e😀", tweet=LINE, ai_index=LINE,
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = make_content(root, {"hostile": hostile_action()})
    (content / "actions" / "hostile.md").write_text(
        (content / "actions" / "hostile.md").read_text("utf-8").replace(
            "Karim Example a été arrêté", "Corps <script>alert(1)</script> [lien](javascript:alert(1)) Karim"
        ),
        "utf-8",
    )
    result = run_pelican(root, content, root / "output", overrides={"UA_SEARCH": False})
    assert result.returncode == 0, result.stderr
    return root / "output"


def test_hostile_text_comes_out_as_the_same_text_and_never_as_markup(hostile_site):
    html = (hostile_site / "actions/hostile/index.html").read_text("utf-8")
    tree = parse(html)
    scripts = [attrs for tag, attrs in tree.tags if tag == "script"]
    assert all(a.get("src", "").startswith("/theme/js/") for a in scripts), scripts
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in tree.tags)
    assert not any(k.startswith("on") for _, attrs in tree.tags for k in attrs)
    assert not any(attrs.get("href", "").startswith("javascript:") for _, attrs in tree.tags)
    text = "".join(tree.text)
    assert LINE in text  # the title, people, names… are shown as they were written
    assert "Corps <script>alert(1)</script>" in text
    assert "{{ 7*7 }}" in text and "49" not in text.replace("2026", "")
    mailto = next(a["href"] for t, a in tree.tags if t == "a" and a.get("href", "").startswith("mailto:") and "body=" in a["href"])
    body = unquote(mailto.split("body=")[1])
    assert LINE.replace("\n", "\r\n") in body and "X-Injected: 1" in body
    assert "\r\nX-Injected" not in unquote(mailto.split("?")[0])  # never a header
    for tag, attrs in tree.tags:
        if tag == "div" and "data-letter" in attrs:
            assert attrs["data-letter"].startswith(LINE)


def test_hostile_text_survives_feeds_calendar_and_json(hostile_site):
    atom = feedparser.parse((hostile_site / "feeds/actions.atom.xml").read_bytes())
    assert not atom.bozo and atom.entries[0].title == LINE
    rss = feedparser.parse((hostile_site / "feeds/actions.rss.xml").read_bytes())
    assert not rss.bozo and rss.entries[0].title == LINE
    feed = json.loads((hostile_site / "feeds/actions.json").read_text("utf-8"))
    assert feed["items"][0]["title"] == LINE
    assert "</script" not in (hostile_site / "feeds/actions.json").read_text("utf-8")
    event = Calendar.from_ical((hostile_site / "feeds/deadlines.ics").read_bytes()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == f"Date limite : {LINE}"
    letter = (hostile_site / "actions/hostile/lettre-1-fr/index.html").read_text("utf-8")
    assert LINE in "".join(parse(letter).text)


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_templates_escape_any_text(value):
    env = Environment(autoescape=True)
    env.filters.update(templating.filters("fr"))
    rendered = env.from_string('<p title="{{ v }}">{{ v }}</p>{{ v|text_paragraphs }}{{ v|lines_html }}').render(v=value)
    tree = parse(rendered)
    assert {tag for tag, _ in tree.tags} <= {"p", "br"}
    assert tree.tags[0][1]["title"] == value.replace("\r\n", "\n").replace("\r", "\n") or tree.tags[0][1]["title"] == value


@settings(max_examples=200, deadline=None)
@given(any_text)
def test_markdown_never_lets_html_or_javascript_links_through(value):
    html = MarkdownRenderer().render(value + "\n\n<script>x</script> [a](javascript:alert(1))")
    tree = parse(html)
    assert "script" not in {tag for tag, _ in tree.tags}
    assert not any(k.startswith("on") for _, attrs in tree.tags for k in attrs)
    assert not any((attrs.get("href") or "").lower().startswith("javascript") for _, attrs in tree.tags)


def test_text_paragraphs_is_markup_of_escaped_text():
    assert templating.text_paragraphs("<b>a</b>\n\nb") == Markup("<p>&lt;b&gt;a&lt;/b&gt;</p>\n<p>b</p>\n")


# --- Builds killed at any moment -------------------------------------------------


def big_content(root: Path, count: int = 150) -> Path:
    return make_content(root, {f"action-{i}": action(case=f"UA {i}/26") for i in range(1, count + 1)})


def test_a_killed_build_leaves_the_previous_output_whole_and_the_next_build_works(tmp_path):
    content = big_content(tmp_path)
    output = tmp_path / "output"
    assert run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False}).returncode == 0
    before = tree_digest(output)
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
    command = [sys.executable, "-m", "pelican", "-s", str(ROOT / "pelicanconf.py"), "-e",
               f"PATH={json.dumps(str(content))}", "UA_SEARCH=false", "-o", str(output)]
    (content / "actions" / "action-1.md").write_text(
        (content / "actions" / "action-1.md").read_text("utf-8").replace("Égypte :", "Modifié :"), "utf-8"
    )
    for delay in (0.2, 0.5, 0.9, 1.4):
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = tree_digest(output)
        # either the old site, whole, or the new one, whole: never a mix
        if after != before:
            assert "Modifié" in (output / "actions/action-1/index.html").read_text("utf-8")
            assert set(after) == set(before)
            before = after
        assert (output / "index.html").is_file()
    final = run_pelican(tmp_path, content, output, overrides={"UA_SEARCH": False})
    assert final.returncode == 0, final.stderr
    assert "Modifié" in (output / "actions/action-1/index.html").read_text("utf-8")
    assert not (tmp_path / ".output.staging").exists()


# --- Reproducible builds ------------------------------------------------------------


def test_two_checkouts_build_byte_identical_sites(tmp_path):
    digests = []
    for name in ("first", "second-checkout"):
        copy = tmp_path / name
        shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", "node_modules", ".git", "output", ".cache", "__pycache__"))
        env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH}
        result = subprocess.run(
            [sys.executable, "-m", "pelican", "-s", "pelicanconf.py", "-o", "output", "--fatal", "warnings"],
            cwd=copy, env=env, capture_output=True, text=True,
        )
        assert result.returncode == 0, result.stderr
        digests.append(tree_digest(copy / "output"))
    # Pagefind (1.5) writes its filter and metadata indexes in hash-map order,
    # so their bytes (and the names derived from them) change from run to run
    # even on one machine (upstream issue Pagefind/pagefind#638); everything
    # else, its word index and fragments included, must be identical.
    def stable(digest):
        return {
            path: value for path, value in digest.items()
            if not path.startswith("pagefind/filter/")
            and not (path.startswith("pagefind/pagefind.") and path.endswith(".pf_meta"))
            and path != "pagefind/pagefind-entry.json"
        }
    first, second = stable(digests[0]), stable(digests[1])
    assert first.keys() == second.keys()
    assert [path for path in first if first[path] != second[path]] == []
    assert any(path.startswith("pagefind/fragment/") for path in first)
    assert len([p for p in digests[0] if p.startswith("pagefind/filter/")]) == len(
        [p for p in digests[1] if p.startswith("pagefind/filter/")]
    )


# --- Time ---------------------------------------------------------------------------


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
        result = run_pelican(tmp_path, content, out, extra_env={"SOURCE_DATE_EPOCH": epoch}, overrides={"UA_SEARCH": False})
        assert result.returncode == 0, result.stderr
        assert f'data-state="{state}"' in (out / "actions/a/index.html").read_text("utf-8")


def test_a_cached_page_shows_a_passed_deadline_as_passed(built_site, browser):
    from support.browser import new_page
    from support.server import serve_directory

    with serve_directory(built_site) as url:
        page = new_page(browser, width=1280, base_url=url)
        try:
            page.clock.set_fixed_time(dt.datetime(2027, 2, 10, 12, 0, tzinfo=dt.UTC))
            page.goto("/actions/egypte-chercheur-detenu/")
            assert page.locator("article.action").get_attribute("data-state") == "past-deadline"
            assert "dépassée" in page.locator("[data-days-left]").first.inner_text()
        finally:
            page.context.close()


# --- Old addresses ------------------------------------------------------------------


def test_an_alias_keeps_the_old_address_working(built_site, browser):
    from support.browser import new_page
    from support.server import serve_directory

    old = built_site / "actions/arabie-saoudite-militante/index.html"
    html = old.read_text("utf-8")
    assert 'http-equiv="refresh"' in html and "/actions/arabie-saoudite-militante-droits-des-femmes/" in html
    with serve_directory(built_site) as url:
        page = new_page(browser, width=360, javascript=False, base_url=url)
        try:
            page.goto("/actions/arabie-saoudite-militante/")
            page.wait_for_url(f"{url}/actions/arabie-saoudite-militante-droits-des-femmes/")
            assert page.locator("h1").count() == 1
        finally:
            page.context.close()


def test_an_alias_cannot_take_the_address_of_another_action(tmp_path, monkeypatch):
    from urgent_actions.content.errors import ContentError
    from urgent_actions.content.loading import load_site

    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, {"a": action(), "b": action(case="UA 2/26", aliases=["/actions/a/"])})
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    assert [str(p) for p in caught.value.problems] == [
        "content/actions/b.md: aliases[0]: '/actions/a/' is already the address of a.md"
    ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "utc, state",
    [("2026-12-24T22:59:00", "open"), ("2026-12-24T23:00:00", "past-deadline")],
)
def test_the_cached_page_check_turns_at_midnight_in_brussels(built_site, browser, utc, state):
    from support.browser import new_page
    from support.server import serve_directory

    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.UTC)
    with serve_directory(built_site) as url:
        page = new_page(browser, width=1280, base_url=url)
        try:
            page.clock.set_fixed_time(moment)
            page.goto("/actions/egypte-chercheur-detenu/")  # deadline 2026-12-24
            assert page.locator("article.action").get_attribute("data-state") == state
        finally:
            page.context.close()


def test_the_search_index_is_reused_only_while_the_indexed_pages_are_unchanged(tmp_path):
    content = make_content(tmp_path, {"a": action(), "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    for _ in range(2):
        assert run_pelican(tmp_path, content, output).returncode == 0
    entry = output / "pagefind" / "pagefind-entry.json"
    first_inode = entry.stat().st_ino
    assert run_pelican(tmp_path, content, output).returncode == 0
    assert entry.stat().st_ino == first_inode  # linked from the previous output, not rebuilt
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    assert run_pelican(tmp_path, content, output).returncode == 0
    assert entry.stat().st_ino != first_inode
    fragments = "".join(p.name for p in (output / "pagefind").rglob("*"))
    assert fragments  # a fresh index was written


def test_a_text_edit_keeps_the_pages_that_do_not_show_it_and_their_search_shard(tmp_path):
    """The follow-up's page is rendered again (its case changed) into the same bytes:
    the published file is kept, and so is the search shard of its year."""
    first = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    follow_up = action(case="UA 7/25", update=1, date="2026-01-10", state="closed", deadline=None,
                       title="Égypte : la suite")
    content = make_content(tmp_path, {"a": first, "a-suite": follow_up})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    page = output / "actions" / "a-suite" / "index.html"
    shard = output / "pagefind" / "pagefind-entry.json"  # 2026, the follow-up's
    kept = page.stat().st_ino, shard.stat().st_ino
    source = content / "actions" / "a.md"
    source.write_text(source.read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "Zélie Nouvelle" in (output / "actions" / "a" / "index.html").read_text("utf-8")
    assert (page.stat().st_ino, shard.stat().st_ino) == kept
    assert "1 shards indexed, 1 reused" in log
    assert "the same bytes as published" in log


def test_the_output_listed_while_pagefind_runs_is_recorded_as_published(tmp_path):
    """The stamp of the published output (files and directories) is listed while
    Pagefind indexes, the shards it writes afterwards: the result is the tree as
    published, so the next build with nothing changed does nothing."""
    import pickle

    from urgent_actions.speed.stamps import stat_tree as _stat_tree

    old = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    content = make_content(tmp_path, {"a": old, "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    (stamp_file,) = (tmp_path / ".cache" / "urgent-actions").glob("*.published.pickle")
    stamp = pickle.loads(stamp_file.read_bytes())
    files, dirs = _stat_tree(str(output), with_dirs=True)
    assert stamp["files"] == files and stamp["dirs"] == dirs
    assert any(name.startswith("pagefind/fragment/") for name in files)  # the shard indexed again
    assert stamp["root"] == output.stat().st_ino
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert "Nothing changed since the last build" in result.stdout + result.stderr


def test_an_edit_reindexes_only_the_search_shard_of_its_year(tmp_path):
    old = action(case="UA 7/25", date="2025-03-01", state="closed", deadline="2025-04-01")
    content = make_content(tmp_path, {"a": old, "b": action(case="UA 2/26")})
    output = tmp_path / "output"
    overrides = {"UA_SEARCH_SHARD_SIZE": 1}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    old_entry = output / "pagefind-2025" / "pagefind-entry.json"
    new_entry = output / "pagefind" / "pagefind-entry.json"
    inodes = old_entry.stat().st_ino, new_entry.stat().st_ino
    (content / "actions" / "b.md").write_text(
        (content / "actions" / "b.md").read_text("utf-8").replace("Karim Example", "Zélie Nouvelle"), "utf-8"
    )
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert result.returncode == 0, result.stderr
    assert old_entry.stat().st_ino == inodes[0]  # the 2025 shard was kept
    assert new_entry.stat().st_ino != inodes[1]  # the 2026 shard was indexed again
    assert "1 shards indexed, 1 reused" in result.stderr + result.stdout
    search_page = (output / "recherche" / "index.html").read_text("utf-8")
    assert 'data-search-shards="pagefind-2025"' in search_page
    assert not list(tmp_path.glob(".pagefind-pages-*"))  # no leftover input directory


@pytest.mark.parametrize("spare", [True, False], ids=["from-the-spare", "without-spare"])
def test_shards_whose_years_moved_are_indexed_with_all_their_pages(tmp_path, spare):
    """An action added to the oldest year moves the shards' boundaries: the next
    shards hold none of the pages rendered again, yet they are indexed anew, from
    every page they hold (the unchanged ones are linked before Pagefind starts,
    whether the build starts from the spare output or from an empty directory),
    into the index a build from scratch makes."""
    closed = {"state": "closed", "deadline": None}
    actions = {
        f"y{year}": action(case=f"UA {n}/{year % 100}", date=f"{year}-03-01", **closed)
        for n, year in enumerate((2023, 2024, 2025), start=1)
    }
    content = make_content(tmp_path, {**actions, "y2026": action(case="UA 2/26")})
    output, fresh = tmp_path / "output", tmp_path / "fresh"
    overrides = {"UA_SEARCH_SHARD_SIZE": 2}
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    assert sorted(p.name for p in output.glob("pagefind*")) == ["pagefind", "pagefind-2023-2024"]
    new = action(case="UA 9/23", date="2023-06-01", title="Égypte : une autre", **closed)
    (content / "actions" / "y2023-bis.md").write_text(dump_front(new), "utf-8")
    if not spare:
        shutil.rmtree(tmp_path / ".output.spare")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    assert result.returncode == 0, result.stderr
    assert "3 shards indexed, 0 reused" in " ".join((result.stdout + result.stderr).split())
    assert run_pelican(tmp_path, content, fresh, overrides=overrides).returncode == 0
    assert sorted(p.name for p in output.glob("pagefind*")) == ["pagefind", "pagefind-2023", "pagefind-2024-2025"]
    # Byte for byte, but for Pagefind's files that change from run to run.
    assert differences(output, fresh) == []
    assert len(list((output / "pagefind-2024-2025" / "fragment").iterdir())) == 2


def test_a_small_archive_has_about_ten_smaller_shards():
    """Shards hold UA_SEARCH_SHARD_SIZE pages at most; a smaller archive has smaller
    ones, in steps from UA_SEARCH_SHARD_SIZE_MIN, so that it has about ten."""
    from types import SimpleNamespace

    from urgent_actions.site.search import plan, shard_size

    assert [shard_size(n, 1000, 250) for n in (20, 2500, 2501, 5000, 5001, 10_000, 50_000)] == [
        250, 250, 500, 500, 1000, 1000, 1000,
    ]  # fmt: skip
    assert shard_size(2000, 5, 250) == 5  # a largest under the smallest wins

    def archive(count):  # count actions spread evenly over 1973-2026
        return [
            SimpleNamespace(save_as=f"actions/a{i}/index.html", front=SimpleNamespace(date=dt.date(1973 + i % 54, 1, 1)))
            for i in range(count)
        ]

    for count, largest_shard in ((2000, 250), (4000, 500), (12_000, 1000)):
        shards = plan(archive(count), 1000, 250)
        assert sum(len(s.pages) for s in shards) == count
        assert max(len(s.pages) for s in shards) <= largest_shard
        assert 7 <= len(shards) <= 16, (count, len(shards))
    assert len(plan(archive(2000), 1000)) == 3  # without a smallest: shards of up to 1,000 pages


def _fragments_text(shard: Path) -> bytes:
    import gzip

    return b"".join(gzip.decompress(p.read_bytes()) for p in (shard / "fragment").iterdir())


def _three_years(tmp_path):
    closed = {"state": "closed", "deadline": None}
    actions = {
        f"y{year}": action(case=f"UA {n}/{year % 100}", date=f"{year}-03-01", **closed)
        for n, year in enumerate((2024, 2025), start=1)
    }
    content = make_content(tmp_path, {**actions, "y2026": action(case="UA 2/26")})
    return content, tmp_path / "output", {"UA_SEARCH_SHARD_SIZE": 1}


def _no_leftovers(tmp_path) -> list[str]:
    return [p.name for p in tmp_path.iterdir() if p.name.startswith((".pagefind-pages-", ".pagefind-out-"))]


def test_pagefind_starts_on_the_edited_action_s_shard_before_the_build_reads(tmp_path):
    """Only an action's text changed: Pagefind starts on the shard its page was in,
    from the published pages, before the build has read anything, and is given the
    new page once rendered (a named pipe): the index is the one a build from
    scratch makes, the new text included."""
    content, output, overrides = _three_years(tmp_path)
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    source = content / "actions" / "y2025.md"
    source.write_text(source.read_text("utf-8") + "\nUne phrase ajoutée pendant la relecture.\n", "utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "Search: 1 shard(s) indexed since the build started" in log
    assert "1 shards indexed, 2 reused" in log
    assert "phrase ajoutée pendant la relecture".encode() in _fragments_text(output / "pagefind-2025")
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []
    assert not _no_leftovers(tmp_path)


@pytest.mark.parametrize("edit", ["moved-to-another-year", "title-shown-by-its-case"])
def test_an_early_pagefind_that_guessed_wrong_is_stopped_and_the_shards_indexed_anew(tmp_path, edit):
    """The edit moved the action to another shard, or changed a page Pagefind read
    from the published output (the title, which the case's other page shows): the
    shard Pagefind started on early is not the one to index; it is stopped, and the
    shards are indexed as in any build."""
    content, output, overrides = _three_years(tmp_path)
    follow_up = action(case="UA 2/25", update=1, date="2025-05-01", state="closed", deadline=None,
                       title="Égypte : la suite")  # fmt: skip
    (content / "actions" / "y2025-suite.md").write_text(dump_front(follow_up), "utf-8")
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    suite_page = (output / "actions" / "y2025-suite" / "index.html").read_bytes()
    source = content / "actions" / "y2025.md"
    text = source.read_text("utf-8")
    closed = {"case": "UA 2/25", "state": "closed", "deadline": None}
    if edit == "moved-to-another-year":
        source.write_text(dump_front(action(date="2024-06-01", **closed)), "utf-8")
    else:
        source.write_text(dump_front(action(date="2025-03-01", title="Égypte : Nouveau titre", **closed)), "utf-8")
    assert source.read_text("utf-8") != text
    result = run_pelican(tmp_path, content, output, overrides=overrides, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 0, log
    assert "indexed since the build started" not in log
    if edit == "title-shown-by-its-case":
        assert (output / "actions" / "y2025-suite" / "index.html").read_bytes() != suite_page
        assert b"Nouveau titre" in _fragments_text(output / "pagefind-2025")
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []
    assert not _no_leftovers(tmp_path)


def test_a_build_that_fails_stops_the_early_pagefind_and_leaves_nothing_behind(tmp_path):
    content, output, overrides = _three_years(tmp_path)
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    published = tree_digest(output)
    source = content / "actions" / "y2025.md"
    good = source.read_text("utf-8")
    source.write_text(good.replace("country: EG", "country: XX") + "\nUne phrase.\n", "utf-8")
    assert "country: XX" in source.read_text("utf-8")
    result = run_pelican(tmp_path, content, output, overrides=overrides)
    assert result.returncode != 0
    assert "y2025.md: country" in result.stderr
    assert tree_digest(output) == published
    assert not _no_leftovers(tmp_path)
    source.write_text(good + "\nUne phrase.\n", "utf-8")
    assert run_pelican(tmp_path, content, output, overrides=overrides).returncode == 0
    assert run_pelican(tmp_path, content, tmp_path / "fresh", overrides=overrides).returncode == 0
    assert differences(output, tmp_path / "fresh") == []


def test_pagefind_reads_a_directory_of_links_to_the_shard_pages_only(tmp_path):
    """The child process that becomes Pagefind first links the shard's pages (the
    same files, nothing copied) into a directory of their own; a page missing
    from the site stops it with a message naming the directory, not a traceback."""
    from urgent_actions.speed import pagefind_pages

    site = tmp_path / "site"
    for page in ("actions/a/index.html", "actions/b/index.html", "archives/index.html"):
        (site / page).parent.mkdir(parents=True)
        (site / page).write_text(page, "utf-8")
    pages_dir = tmp_path / "pages"
    pages_dir.mkdir()
    (pages_dir / pagefind_pages.LIST).write_text("actions/a/index.html\nactions/b/index.html", "utf-8")
    listing = "import os, sys; print(sorted(os.path.relpath(os.path.join(d, f), sys.argv[1]) for d, _, fs in os.walk(sys.argv[1]) for f in fs))"
    command = [sys.executable, "-I", "-S", pagefind_pages.__file__, str(site), str(pages_dir)]
    result = subprocess.run([*command, sys.executable, "-c", listing, str(pages_dir)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([".pages", "actions/a/index.html", "actions/b/index.html"])
    assert (pages_dir / "actions/a/index.html").stat().st_ino == (site / "actions/a/index.html").stat().st_ino

    # A directory that already holds named pipes (made by the build before it
    # starts the child): the listed pages are linked beside them, the pipes stay.
    import stat

    piped = tmp_path / "piped"
    (piped / "actions/b").mkdir(parents=True)
    os.mkfifo(piped / "actions/b/index.html")
    (piped / pagefind_pages.LIST).write_text("actions/a/index.html", "utf-8")
    piped_command = [sys.executable, "-I", "-S", pagefind_pages.__file__, str(site), str(piped)]
    result = subprocess.run([*piped_command, sys.executable, "-c", "pass"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO((piped / "actions/b/index.html").lstat().st_mode)
    assert (piped / "actions/a/index.html").stat().st_ino == (site / "actions/a/index.html").stat().st_ino

    (pages_dir / pagefind_pages.LIST).write_text("actions/gone/index.html", "utf-8")
    result = subprocess.run([*command, sys.executable, "-c", "print('ran')"], capture_output=True, text=True)
    assert result.returncode == 2 and "ran" not in result.stdout
    assert f"could not gather the pages to index in {pages_dir}" in result.stderr
    assert "Traceback" not in result.stderr


def test_compiled_templates_whose_directory_went_are_compiled_again_not_an_error(tmp_path):
    """Two builds with other settings share a cache path: each removes the other's
    compiled templates. The one whose directory went on compiles as usual."""
    from jinja2 import DictLoader
    from urgent_actions.speed.template_cache import cache_compiled

    env = Environment(loader=DictLoader({"page.html": "<p>{{ text }}</p>"}))
    cache_compiled(env, str(tmp_path / "cache"), "first-key")
    assert env.get_template("page.html").render(text="un") == "<p>un</p>"
    assert list((tmp_path / "cache").glob("templates-first-key/*"))  # kept
    other = Environment(loader=DictLoader({"page.html": "<p>{{ text }}</p>"}))
    cache_compiled(other, str(tmp_path / "cache"), "second-key")  # removes the first's
    assert not (tmp_path / "cache" / "templates-first-key").exists()
    env.cache.clear()  # compile again, and try to keep it where it was
    assert env.get_template("page.html").render(text="deux") == "<p>deux</p>"


def test_pagefind_reads_a_shard_s_pages_in_the_site_through_a_glob(tmp_path):
    """Without pipes, Pagefind indexes the shard's pages where they are, chosen by a
    glob that matches them and nothing else (no directory of links is made)."""
    import json

    from urgent_actions.content.loading import action_save_as
    from urgent_actions.render.pagefind import pages_glob
    from urgent_actions.site.search import Shard
    from urgent_actions.speed.indexing import _Job

    site = tmp_path / "site"
    page = '<html lang="fr"><body><main data-pagefind-body><h1>{}</h1><p>Texte {}.</p></main></body></html>'
    for slug in ("alpha", "beta-2", "gamma", "alpha-bis"):
        (site / "actions" / slug).mkdir(parents=True)
        (site / "actions" / slug / "index.html").write_text(page.format(slug, slug), "utf-8")
    (site / "archives").mkdir()
    (site / "archives" / "index.html").write_text(page.format("archives", "archives"), "utf-8")
    shard = Shard("pagefind-test", ("actions/alpha/index.html", "actions/beta-2/index.html"))
    assert pages_glob(shard.pages, action_save_as) == "actions/{alpha,beta-2}/index.html"
    assert pages_glob(["actions/alpha/index.html", "archives/index.html"], action_save_as) is None

    job = _Job(shard, str(site), str(site / "pagefind-test"), "fr", timeout=60)
    assert job.pages_dir is None
    job.process.wait()
    job.finish(str(site / "pagefind-test"))
    entry = json.loads((site / "pagefind-test" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["fr"]["page_count"] == 2  # not alpha-bis, gamma nor the archive
    assert not list(tmp_path.glob(".pagefind-pages-*"))

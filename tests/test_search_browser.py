"""Search with the site's own Pagefind index, in real Chromium."""

from __future__ import annotations

import sys

import pytest

from helpers import ROOT
from urgent_actions.content.loading import load_site


@pytest.fixture(scope="module")
def actions():
    return {a.slug: a for a in load_site(str(ROOT / "content")).listed}


def open_search(page):
    page.goto("/recherche/")
    page.wait_for_selector("form[data-search]:not([hidden])")


def search(page, query):
    # The status says when the results of *this* search are shown.
    page.eval_on_selector("[data-search-status]", "el => { el.textContent = ''; }")
    page.fill("#search-query", query)
    page.click("button[type=submit]")
    page.wait_for_function("document.querySelector('[data-search-status]').textContent.length > 0")
    return page.eval_on_selector_all("[data-search-results] a", "els => els.map(e => new URL(e.href).pathname)")


def test_search_finds_an_action_by_name_and_by_case_number(site_url, open_page, actions):
    target = actions["egypte-chercheur-detenu"]
    page = open_page(width=1280, base_url=site_url)
    open_search(page)
    assert page.locator("[data-search-nojs]").is_hidden()
    by_name = search(page, target.front.people[0])
    assert f"/{target.url}" in by_name
    by_case = search(page, target.front.case)
    assert by_case[0] == f"/{target.url}"
    assert not page.third_party_requests


def test_filters_narrow_the_results(site_url, open_page, actions):
    page = open_page(width=360, base_url=site_url)
    open_search(page)
    everything = search(page, "libérez")
    assert len(everything) > 2
    egypt = [a for a in actions.values() if a.front.country == "EG"]
    page.select_option("#filter-pays", label=f"Égypte ({len(egypt)})")
    page.wait_for_function(f"document.querySelectorAll('[data-search-results] a').length < {len(everything)}")
    narrowed = page.eval_on_selector_all("[data-search-results] a", "els => els.map(e => new URL(e.href).pathname)")
    assert narrowed and set(narrowed) <= {f"/{a.url}" for a in egypt}


def test_results_show_state_date_case_number_and_outcome(site_url, open_page, actions):
    """A closed action never comes unmarked: each result says its state, when it was
    published and its case number, and a closed one its outcome."""
    page = open_page(width=360, base_url=site_url)
    open_search(page)
    search(page, "UA 045/26")
    first = page.locator("[data-search-results] li").first
    facts = [part.inner_text() for part in first.locator(".result__meta > span").all()]
    assert facts == ["Action en cours", "Publiée le 12 novembre 2026", "Dossier UA 045/26"]
    search(page, "Mona Exemple")
    good = actions["egypte-avocate-liberee"]
    item = page.locator("[data-search-results] li", has=page.locator(f"a[href$='/{good.url}']"))
    assert "Bonne nouvelle" in item.locator(".result__meta").inner_text()
    assert item.locator(".card__outcome--good").inner_text() == good.front.outcome.text


def test_without_javascript_the_page_says_what_to_do(site_url, open_page):
    page = open_page(width=360, javascript=False, base_url=site_url)
    page.goto("/recherche/")
    assert page.locator("[data-search-nojs]").is_visible()
    assert page.locator("[data-search-nojs] a[href='/archives/']").is_visible()


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory):
    """The sample site with its index split into shards by year (2025, then 2026)."""
    from helpers import run_pelican

    output = tmp_path_factory.mktemp("sharded") / "output"
    result = run_pelican(ROOT, ROOT / "content", output, overrides={"UA_SEARCH_SHARD_SIZE": 5})
    assert result.returncode == 0, result.stderr + result.stdout
    assert (output / "pagefind-2025" / "pagefind-entry.json").is_file()
    return output


@pytest.fixture(scope="module")
def sharded_site_url(sharded_site):
    from support.server import serve_directory

    with serve_directory(sharded_site) as url:
        yield url


def test_a_sharded_index_finds_actions_in_every_shard(sharded_site_url, open_page, actions):
    cases = [a.front.case for a in actions.values()]
    alone = [a for a in actions.values() if cases.count(a.front.case) == 1]  # one page per case number
    old = [a for a in alone if a.front.date.year == 2025]
    new = [a for a in alone if a.front.date.year == 2026]
    assert old and new
    page = open_page(width=1280, base_url=sharded_site_url)
    open_search(page)
    for target in (old[0], new[0]):
        found = search(page, target.front.people[0])
        assert f"/{target.url}" in found, (target.front.people[0], found)
    # The filters count the actions of every shard.
    states = page.eval_on_selector_all("#filter-etat option", "els => els.map(e => e.textContent)")
    total = sum(int(text.rsplit("(", 1)[1].rstrip(")")) for text in states if "(" in text)
    assert total == len(load_site(str(ROOT / "content")).actions)
    assert not page.third_party_requests


def test_the_benchmark_row_finds_the_merged_shards_cost_a_reader_what_one_index_does(sharded_site, browser, actions):
    sys.path.insert(0, str(ROOT))  # benchmarks/ is a package at the project's root
    from benchmarks import search_row

    name = actions["egypte-chercheur-detenu"].front.people[0]
    row = search_row.measure(sharded_site, {"name": name}, browser=browser)
    shards, one = row["shards"]["name"], row["one_index"]["name"]
    assert shards["query"]["shown"] >= 1
    assert one["query"]["shown"] >= 1
    # The build merged its shards into one index: one entry, metadata, filters and chunk a word.
    assert shards["page"]["requests"] == one["page"]["requests"]
    assert shards["query"]["requests"] == one["query"]["requests"]
    assert row["ratios"]["shards/one_index name"] <= 1.1
    assert row["one_index_build"]["cpu_seconds"] > 0


SEARCHES = """async (queries) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.init();
  const found = {filters: await pagefind.filters()};
  for (const [query, filters] of queries) {
    const search = await pagefind.search(query, {filters});
    const data = await Promise.all(search.results.map((result) => result.data()));
    found[JSON.stringify([query, filters])] = search.results.map(
      (result, i) => [data[i].url, Math.round(result.score * 1e4) / 1e4, data[i].excerpt]);
  }
  return found;
}"""


def test_the_merged_shards_find_what_one_pagefind_index_finds(sharded_site, browser, actions, tmp_path):
    """Same pages, same scores and excerpts, same filter counts as one Pagefind run over
    the same pages (pages of equal score may come in another order)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks import search_row

    search_row.one_index(sharded_site, str(tmp_path / "one"))
    person = actions["egypte-chercheur-detenu"].front.people[0]
    queries = [
        [person, {}], ["libérez", {}], ["journaliste", {"pays": "Égypte"}], ["UA 045/26", {}],
        ["arrêtées", {}], [None, {"etat": "Action terminée"}], ["prison", {"theme": "Droits des femmes"}],
    ]  # fmt: skip
    found = []
    for indexes in ({}, {"pagefind": str(tmp_path / "one")}):
        server = search_row.serve(sharded_site, indexes)
        try:
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            found.append(page.evaluate(SEARCHES, queries))
            page.close()
        finally:
            server.shutdown()
            server.server_close()
    merged, one = found
    assert merged["filters"] == one["filters"] and merged["filters"]["etat"]
    for key in merged.keys() - {"filters"}:
        assert sorted(merged[key]) == sorted(one[key]), key
        assert [score for _, score, _ in merged[key]] == [score for _, score, _ in one[key]], key
    assert sum(len(results) for results in merged.values()) > len(queries)

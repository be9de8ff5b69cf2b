"""``./dev serve`` for editors, in a clone: the open page shows a saved edit by itself,
a missing page is the site's 404 page, and the first save is as fast as later ones."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from clone import clone_project, free_port, start_serve
from test_cli import wait_for_page

ACTION = "content/actions/egypte-chercheur-detenu.md"
SUMMARY = "summary: >-\n"


@pytest.fixture
def served(tmp_path):
    """(project, base URL, log path) of a running ``./dev serve`` in a clone, stopped after."""
    project = clone_project(tmp_path)
    port = free_port()
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        server = start_serve(project, port, log)
        try:
            wait_for_page(f"http://127.0.0.1:{port}/", server, 240)
            yield project, f"http://127.0.0.1:{port}", log_path
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=30)


def save_edit(project, marker: str) -> None:
    path = project / ACTION
    text = path.read_text("utf-8")
    path.write_text(text.replace(SUMMARY, f"{SUMMARY}  {marker}\n", 1), "utf-8")


def test_an_open_page_shows_a_saved_edit_by_itself(served, open_page):
    project, base, _ = served
    page = open_page(360, base_url=base)
    page.goto("/actions/egypte-chercheur-detenu/")
    assert "Édition en direct" not in page.content()
    save_edit(project, "Édition en direct.")
    # No reload by the test: the page reloads itself once the rebuild is swapped in.
    page.wait_for_function("document.body.innerText.includes('Édition en direct')", timeout=60_000)
    assert page.page_errors == [] and page.third_party_requests == []


def test_a_missing_page_is_the_sites_404_page_with_status_404(served):
    _, base, _ = served
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/actions/n-existe-pas/", timeout=30)
    assert missing.value.code == 404
    page = missing.value.read().decode("utf-8")
    assert "<h1" in page and "</html>" in page  # the site's own 404 page, with its navigation
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/html")


def test_the_live_reload_is_only_in_what_serve_sends(served):
    project, base, _ = served
    with urllib.request.urlopen(f"{base}/actions/egypte-chercheur-detenu/", timeout=30) as response:
        served_page = response.read().decode("utf-8")
    assert "/__serve/build" in served_page
    built = (project / "output" / "actions" / "egypte-chercheur-detenu" / "index.html").read_text("utf-8")
    assert "__serve" not in built
    with urllib.request.urlopen(f"{base}/feeds/actions.atom.xml", timeout=30) as response:
        assert "__serve" not in response.read().decode("utf-8")


def _build_id(base: str) -> str:
    with urllib.request.urlopen(f"{base}/__serve/build", timeout=30) as response:
        return response.read().decode()


def _seconds_to_rebuild(project, base: str, marker: str, log_path) -> float:
    """Seconds from saving an edit to the server answering from the rebuilt output.

    Returns once the builder has finished that build (its summary line is in the
    log) and had half a second to watch the files again: Pelican's autoreload
    starts a new watcher after each build, so a save in between would be missed.
    """
    builds = log_path.read_text().count("files new or changed of")
    before = _build_id(base)
    start = time.monotonic()
    save_edit(project, marker)
    deadline = start + 120
    while _build_id(base) == before:
        assert time.monotonic() < deadline, "no rebuild within 120 s"
        time.sleep(0.05)
    seconds = time.monotonic() - start
    while log_path.read_text().count("files new or changed of") <= builds:
        assert time.monotonic() < deadline, "the build did not end within 120 s"
        time.sleep(0.05)
    time.sleep(0.5)
    return seconds


def test_the_first_save_is_rebuilt_as_incrementally_as_later_ones(served):
    project, base, log_path = served
    times = [_seconds_to_rebuild(project, base, f"Modification {n}.", log_path) for n in range(3)]

    def done_builds() -> list[tuple[int, int]]:
        return [(int(a), int(b)) for a, b in re.findall(r"(\d+) files new or changed of (\d+)", log_path.read_text())]

    # The page answers from the new output as soon as it is swapped in; the build's
    # summary line follows it into the log a moment later.
    deadline = time.monotonic() + 30
    while len(done_builds()) < 4 and time.monotonic() < deadline:
        time.sleep(0.1)
    done = done_builds()
    assert len(done) == 4, done  # the build at start, then one per save
    changed = [new for new, _ in done[1:]]
    total = done[0][1]
    # The first save rewrites what the later ones do, not the whole site.
    assert changed[0] == changed[1] == changed[2] < total / 3, (changed, total, times)


def test_the_live_reload_question_is_answered_as_soon_as_a_build_is_swapped_in(tmp_path):
    from urgent_actions.tools.serve import bind, build_id

    site = tmp_path / "output"
    site.mkdir()
    server = bind("127.0.0.1", free_port(), str(site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/__serve/build"
        shown = build_id(str(site))
        with urllib.request.urlopen(f"{base}?since=another", timeout=30) as response:
            assert response.read().decode() == shown  # not the page's build: answered at once
        answers = []

        def ask():
            with urllib.request.urlopen(f"{base}?since={shown}", timeout=60) as response:
                answers.append((response.read().decode(), time.monotonic()))

        asking = threading.Thread(target=ask)
        asking.start()
        time.sleep(1)
        assert answers == []  # held while the page shows the current build
        (tmp_path / "new").mkdir()
        os.rename(site, tmp_path / "old")
        os.rename(tmp_path / "new", site)  # a build swapped in, as output_swap does
        swapped = time.monotonic()
        asking.join(timeout=30)
        assert answers and answers[0][0] == build_id(str(site)) != shown
        assert answers[0][1] - swapped < 5
    finally:
        server.shutdown()
        server.server_close()

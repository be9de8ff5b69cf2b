"""How Pagefind is given a shard's pages: a directory of links (or named pipes),
or a glob over the site that matches them and nothing else."""

from __future__ import annotations

import os
import subprocess
import sys


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
    result = subprocess.run(
        [*command, sys.executable, "-c", listing, str(pages_dir)], capture_output=True, text=True, check=False
    )
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
    result = subprocess.run([*piped_command, sys.executable, "-c", "pass"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO((piped / "actions/b/index.html").lstat().st_mode)
    assert (piped / "actions/a/index.html").stat().st_ino == (site / "actions/a/index.html").stat().st_ino

    (pages_dir / pagefind_pages.LIST).write_text("actions/gone/index.html", "utf-8")
    result = subprocess.run(
        [*command, sys.executable, "-c", "print('ran')"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2 and "ran" not in result.stdout
    assert f"could not gather the pages to index in {pages_dir}" in result.stderr
    assert "Traceback" not in result.stderr


def test_pagefind_reads_a_shard_s_pages_in_the_site_through_a_glob(tmp_path):
    """Without pipes, Pagefind indexes the shard's pages where they are, chosen by a
    glob that matches them and nothing else (no directory of links is made)."""
    import json

    from urgent_actions.render.pagefind import pages_glob
    from urgent_actions.site.search import Shard
    from urgent_actions.speed import output_swap
    from urgent_actions.speed.pagefind_job import Job

    site = tmp_path / "site"
    page = '<html lang="fr"><body><main data-pagefind-body><h1>{}</h1><p>Texte {}.</p></main></body></html>'
    for slug in ("alpha", "beta-2", "gamma", "alpha-bis"):
        (site / "actions" / slug).mkdir(parents=True)
        (site / "actions" / slug / "index.html").write_text(page.format(slug, slug), "utf-8")
    (site / "archives").mkdir()
    (site / "archives" / "index.html").write_text(page.format("archives", "archives"), "utf-8")
    shard = Shard("pagefind-test", ("alpha", "beta-2"))
    assert shard.pages == ("actions/alpha/index.html", "actions/beta-2/index.html")
    assert pages_glob(shard) == "actions/{alpha,beta-2}/index.html"
    # A slug with glob syntax cannot be globbed: its pages are then linked into a directory.
    assert pages_glob(Shard("pagefind-test", ("alpha", "b*"))) is None

    job = Job(shard, str(site), str(site / "pagefind-test"), "fr", timeout=60)
    assert job.pages_dir is None
    job.process.wait()
    job.finish(str(site / "pagefind-test"), output_swap.Removals())
    entry = json.loads((site / "pagefind-test" / "pagefind-entry.json").read_text("utf-8"))
    assert entry["languages"]["fr"]["page_count"] == 2  # not alpha-bis, gamma nor the archive
    assert not list(tmp_path.glob(".pagefind-pages-*"))

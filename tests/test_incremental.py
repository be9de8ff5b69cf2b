"""Incremental builds: the same bytes as a full build, unchanged pages kept as they were."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import BUILD_EPOCH, ROOT, action, dump_front, make_content, with_bytecode
from urgent_actions.render.files import write_file
from urgent_actions.site.outputs import Output
from urgent_actions.speed.cache import BuildCache

OPEN_CASE = "UA 45/26"


# The case's first follow-up once the second one is published.
SUITE_CLOSED = action(update=1, date="2026-11-20", title="Égypte : suite", state="closed")


def _actions() -> dict:
    """Two cases with updates, a closed action alone, an open one alone."""
    return {
        "egypte-chercheur": action(state="closed"),  # a case has one open action: its latest
        "egypte-chercheur-suite": action(update=1, date="2026-11-20", title="Égypte : suite"),
        "iran-militante": action(
            case="UA 12/25",
            date="2025-03-01",
            deadline=None,
            state="closed",
            country="IR",
            title="Iran : une militante libérée sous caution",
        ),
        "iran-militante-suite": action(
            case="UA 12/25",
            update=1,
            date="2025-05-01",
            deadline=None,
            state="good-news",
            country="IR",
            outcome={"date": "2025-05-01", "text": "Elle a été libérée."},
            title="Iran : bonne nouvelle",
        ),
        "turquie-avocat": action(case="UA 3/24", date="2024-01-10", deadline=None, state="closed", country="TR"),
        "chine-journaliste": action(case="UA 50/26", date="2026-11-01", country="CN"),
    }


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def _stats(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file()
    }


# Reference builds from scratch, by the digest of their inputs (Project.full).
_FULL_BUILDS: dict[str, tuple[dict[str, bytes], set[str]]] = {}


class Project:
    """A content directory, an incremental build of it, and full builds to compare with."""

    def __init__(self, root: Path):
        self.root = root
        self.content = make_content(root, _actions())
        self.theme = root / "theme"
        shutil.copytree(ROOT / "theme", self.theme)
        self.output = root / "output"
        self.fresh = 0

    def run(self, cwd: Path, output: Path, env=None, parallel=False, extra_args=(), overrides=()):
        # The reference builds read and render on every core (threshold 1), the
        # incremental ones in one process: both paths must give the same bytes.
        command = [
            sys.executable, "-m", "pelican", "-s", str(ROOT / "pelicanconf.py"),
            "-e", f'PATH="{self.content}"', f'THEME="{self.theme}"',
            f"UA_PARALLEL_MIN_FILES={1 if parallel else 10**9}",
            f"UA_PARALLEL_RENDER={str(parallel).lower()}",
            # Pagefind's own indexes differ from run to run (see test_reproducible_builds):
            # these tests compare the pages the build itself writes.
            "UA_SEARCH=false", *overrides,
            "-o", str(output), "--fatal", "warnings", *extra_args,
        ]  # fmt: skip
        full_env = with_bytecode({**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "200", **(env or {})})
        return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=600, check=False)

    def build(self, cwd: Path, output: Path, env=None, parallel=False, extra_args=(), overrides=()):
        result = self.run(cwd, output, env, parallel, extra_args, overrides)
        assert result.returncode == 0, result.stderr + result.stdout
        return result

    def incremental(self, env=None):
        """Build into ``output`` with the cache under ``root`` (kept between builds)."""
        return self.build(self.root, self.output, env)

    def full(self, env=None, overrides=()) -> dict[str, bytes]:
        """A build from scratch: new working directory (no cache), new output.

        Made once per worker for the same inputs (content, theme, settings and
        environment, by their bytes): several tests end in the same content, and a
        build from scratch of the same inputs writes the same bytes
        (test_reproducible_builds). Output depending on the content's path or on
        the files' times would show here as a difference, never hide one."""
        key = self._inputs_key(env, overrides)
        if key not in _FULL_BUILDS:
            self.fresh += 1
            cwd = self.root / f"fresh-{self.fresh}"
            cwd.mkdir()
            self.build(cwd, cwd / "output", env, parallel=True, overrides=overrides)
            _FULL_BUILDS[key] = (_tree(cwd / "output"), _dirs(cwd / "output"))
        tree, self.full_dirs = _FULL_BUILDS[key]
        return dict(tree)

    def _inputs_key(self, env, overrides) -> str:
        digest = hashlib.sha256(repr((sorted((env or {}).items()), tuple(overrides))).encode())
        for top in (self.content, self.theme):
            for path in sorted(top.rglob("*")):
                if path.is_file():
                    data = path.read_bytes()
                    digest.update(f"{path.relative_to(self.root)}\0{len(data)}\0".encode() + data)
        return digest.hexdigest()

    def write(self, name: str, front: dict | str, body: str | None = None) -> None:
        text = front if isinstance(front, str) else dump_front(front, *(() if body is None else (body,)))
        (self.content / "actions" / f"{name}.md").write_text(text, "utf-8")


@pytest.fixture
def project(tmp_path) -> Project:
    project = Project(tmp_path)
    project.incremental()
    assert (tmp_path / ".cache" / "urgent-actions").is_dir()
    return project


def _changed(before: dict, after: dict) -> set[str]:
    return {name for name in after if before.get(name) != after[name]}


def test_nothing_changed_keeps_every_action_page(project):
    before = _stats(project.output)
    project.incremental()
    after = _stats(project.output)
    assert _tree(project.output) == project.full()
    action_pages = {name for name in after if name.startswith("actions/")}
    assert len(action_pages) >= 6
    assert _changed(before, after) & action_pages == set()
    # Pages without a narrower key (home, lists, feeds) share the whole-site
    # key: nothing changed, so they are kept too.
    assert before["index.html"] == after["index.html"]
    assert before["feeds/actions.atom.xml"] == after["feeds/actions.atom.xml"]


def test_editing_one_action_rerenders_its_case_only(project):
    before = _stats(project.output)
    project.write(
        "iran-militante",
        action(
            case="UA 12/25",
            date="2025-03-01",
            deadline=None,
            state="closed",
            country="IR",
            title="Iran : une militante libérée sous caution (titre corrigé)",
        ),
    )
    project.incremental()
    tree = _tree(project.output)
    assert tree == project.full()
    assert "titre corrigé" in tree["actions/iran-militante/index.html"].decode()
    # The case timeline of the other update shows the new title too.
    assert "titre corrigé" in tree["actions/iran-militante-suite/index.html"].decode()
    changed = _changed(before, _stats(project.output))
    assert "actions/iran-militante/index.html" in changed
    assert "actions/iran-militante-suite/index.html" in changed
    assert "actions/turquie-avocat/index.html" not in changed
    assert "actions/egypte-chercheur/index.html" not in changed
    # Lists and feeds that show it are rendered again; the others are kept.
    for shown in (
        "archives/index.html",
        "pays/ir/index.html",
        "archives/annee/2025/index.html",
        "feeds/pays/ir.atom.xml",
        "feeds/actions.atom.xml",
    ):
        assert shown in changed, shown
    for other in (
        "pays/tr/index.html",
        "archives/annee/2024/index.html",
        "feeds/pays/tr.atom.xml",
        "feeds/pays/eg.atom.xml",
        "index.html",
        "rejoindre/index.html",
        "pays/index.html",
        "sitemap.xml",
    ):  # it shows no title
        assert other in before and other not in changed, other


def test_editing_an_open_action_s_text_keeps_the_calendar_and_the_sitemap(project):
    """They show dates, titles and addresses, not the text: their keys say so."""
    before = _stats(project.output)
    project.write(
        "chine-journaliste",
        action(case="UA 50/26", date="2026-11-01", country="CN"),
        "Un texte entièrement réécrit pour cette action.\n",
    )
    project.incremental()
    tree = _tree(project.output)
    assert tree == project.full()
    changed = _changed(before, _stats(project.output))
    assert "actions/chine-journaliste/index.html" in changed
    assert "feeds/deadlines.ics" not in changed and "sitemap.xml" not in changed
    assert b"chine-journaliste" in tree["feeds/deadlines.ics"]  # the action is on the calendar
    before = _stats(project.output)
    project.write("chine-journaliste", action(case="UA 50/26", date="2026-11-01", country="CN", deadline="2026-12-31"))
    project.incremental()
    assert _tree(project.output) == project.full()
    assert "feeds/deadlines.ics" in _changed(before, _stats(project.output))


def test_adding_and_removing_actions(project):
    before = _stats(project.output)
    project.write("egypte-chercheur-deuxieme-suite", action(update=2, date="2026-11-22"))
    # The update it follows is closed (a case has one open action), as ./dev follow-up does.
    project.write("egypte-chercheur-suite", SUITE_CLOSED)
    (project.content / "actions" / "turquie-avocat.md").unlink()
    project.incremental()
    tree = _tree(project.output)
    assert tree == project.full()
    assert "actions/turquie-avocat/index.html" not in tree
    assert "actions/egypte-chercheur-deuxieme-suite/index.html" in tree
    changed = _changed(before, _stats(project.output))
    # The new update joins the Egyptian case: its pages change; the Iranian ones do not.
    assert "actions/egypte-chercheur/index.html" in changed
    assert "actions/iran-militante/index.html" not in changed
    assert "sitemap.xml" in changed


def test_changing_a_template_rerenders_everything(project):
    before = _stats(project.output)
    template = project.theme / "templates" / "base.html"
    template.write_text(template.read_text("utf-8") + "{# changed #}\n<!-- gabarit modifié -->\n", "utf-8")
    project.incremental()
    tree = _tree(project.output)
    assert tree == project.full()
    assert "gabarit modifié" in tree["actions/turquie-avocat/index.html"].decode()
    assert "actions/turquie-avocat/index.html" in _changed(before, _stats(project.output))


def test_a_build_with_nothing_changed_does_nothing(project):
    directory = project.output.stat().st_ino
    before = _stats(project.output)
    result = project.build(project.root, project.output, extra_args=("--verbose",))
    assert "Nothing changed since the last build" in result.stdout + result.stderr
    assert project.output.stat().st_ino == directory  # not even swapped
    assert _stats(project.output) == before
    # No staging directory left; the spare is kept for the next build that changes something.
    assert [p.name for p in project.root.glob(".output.*")] == [".output.spare"]


@pytest.mark.parametrize("tamper", ["delete", "add", "content", "setting"])
def test_any_change_to_the_inputs_or_the_output_makes_a_real_build(project, tamper):
    theme_file = project.output / "theme" / "css" / "site.css"
    overrides = ()
    if tamper == "delete":
        theme_file.unlink()  # by hand, on the published output
    elif tamper == "add":
        (project.output / "stray.html").write_text("not ours", "utf-8")
    elif tamper == "content":
        (project.content / "images").mkdir(exist_ok=True)
        (project.content / "images" / "new.txt").write_text("a new file in content/", "utf-8")
    else:
        overrides = ("UA_ARCHIVE_PAGE_SIZE=3",)
    result = project.build(project.root, project.output, extra_args=("--verbose",), overrides=overrides)
    assert "Nothing changed" not in result.stdout + result.stderr
    assert theme_file.is_file()
    assert not (project.output / "stray.html").exists()


def test_a_new_build_date_rerenders_open_actions_only(project):
    before = _stats(project.output)
    next_day = str(int(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC).timestamp()))
    env = {"SOURCE_DATE_EPOCH": next_day}
    project.incremental(env)
    assert _tree(project.output) == project.full(env)
    changed = _changed(before, _stats(project.output))
    assert "actions/chine-journaliste/index.html" in changed  # one day less to act
    assert "actions/turquie-avocat/index.html" not in changed  # closed: no date on it


def test_a_published_file_touched_by_hand_is_rendered_again(project):
    page = project.output / "actions" / "turquie-avocat" / "index.html"
    with open(page, "ab") as handle:  # in place, same inode
        handle.write(b"<!-- edited on the server -->")
    project.incremental()
    assert _tree(project.output) == project.full()


def test_content_error_keeps_output_and_cache_usable(project):
    published = _tree(project.output)
    project.write("turquie-avocat", action(case="UA 3/24", country="XX"))
    result = project.run(project.root, project.output)
    assert result.returncode != 0
    assert "turquie-avocat.md: country" in result.stderr
    assert _tree(project.output) == published
    project.write("turquie-avocat", action(case="UA 3/24", country="TR", title="Turquie : corrigé"))
    project.incremental()
    assert _tree(project.output) == project.full()


def test_linked_files_are_replaced_never_written_into(tmp_path):
    """A page linked from the published output, then written in staging, leaves it intact."""
    final, staging = tmp_path / "output", tmp_path / "staging"
    page = Output("actions/a/index.html", template="action", key="k1")
    cache = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    cache.reuse_all([page], str(final))  # registers the key
    write_file(str(final), page.save_as, "published")
    cache.save()

    again = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    assert again.reuse_all([page], str(staging)) == []  # linked
    linked = staging / page.save_as
    assert os.path.samefile(linked, final / page.save_as)
    write_file(str(staging), page.save_as, "new version")
    assert (final / page.save_as).read_text() == "published"
    assert linked.read_text() == "new version"


def test_the_cache_of_another_render_key_or_output_is_ignored(tmp_path):
    final = tmp_path / "output"
    page = Output("p.html", template="page", key="k")
    cache = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    cache.reuse_all([page], str(final))
    write_file(str(final), page.save_as, "x")
    cache.save()
    other_theme = BuildCache(str(tmp_path / "cache"), str(final), "read", "other render")
    assert other_theme.reuse_all([page], str(tmp_path / "s1")) != []  # to render
    other_key = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    assert other_key.reuse_all([Output("p.html", template="page", key="k2")], str(tmp_path / "s2")) != []  # to render
    no_key = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    assert no_key.reuse_all([Output("p.html", template="page")], str(tmp_path / "s3")) != []  # to render
    same = BuildCache(str(tmp_path / "cache"), str(final), "read", "render")
    assert same.reuse_all([page], str(tmp_path / "s4")) == []  # linked


def test_the_read_cache_grows_by_the_edited_file_only(project):
    (reads,) = (project.root / ".cache" / "urgent-actions").glob("*.reads.pickle")
    inode, size = reads.stat().st_ino, reads.stat().st_size
    project.write(
        "turquie-avocat",
        action(
            case="UA 3/24",
            date="2024-01-10",
            deadline=None,
            state="closed",
            country="TR",
            title="Turquie : titre corrigé",
        ),
    )
    (project.content / "actions" / "chine-journaliste.md").unlink()
    project.incremental()
    assert reads.stat().st_ino == inode  # appended to, not rewritten
    assert size < reads.stat().st_size < 2 * size
    # Read back, the log gives the new entry and forgets the removed file.
    cache = BuildCache.__new__(BuildCache)
    cache.reads_path, cache.memory = str(reads), None
    with open(reads, "rb") as handle:
        cache.read_key = pickle.load(handle)["read_key"]
    entries = cache._load_reads()
    assert "chine-journaliste.md" not in entries and "iran-militante.md" in entries
    assert entries["turquie-avocat.md"][1].title == "Turquie : titre corrigé"
    assert _tree(project.output) == project.full()


def test_a_file_touched_without_change_is_read_from_the_cache(project):
    path = project.content / "actions" / "turquie-avocat.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    result = project.build(project.root, project.output, extra_args=("--verbose",))
    log = " ".join((result.stdout + result.stderr).split())
    assert "6 of 6 actions read from the cache" in log  # bytes compared, not parsed again
    assert _tree(project.output) == project.full()


def _dirs(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_dir()}


def _full_dirs(project: Project) -> set[str]:
    """The directories of the last ``project.full()`` build."""
    return set(project.full_dirs)


def _retitle(project: Project, name: str, title: str) -> None:
    text = (project.content / "actions" / f"{name}.md").read_text("utf-8")
    front, _, body = text.partition("\n---\n")
    lines = [f"title: {title!r}" if line.startswith("title:") else line for line in front.splitlines()]
    (project.content / "actions" / f"{name}.md").write_text("\n".join(lines) + "\n---\n" + body, "utf-8")


def test_the_replaced_output_becomes_the_spare_the_next_build_starts_from(project):
    spare = project.root / ".output.spare"
    # The first build replaced nothing: its spare is a copy of the output (hard links).
    page = "actions/egypte-chercheur/index.html"
    assert (spare / page).stat().st_ino == (project.output / page).stat().st_ino
    first, copy = project.output.stat().st_ino, spare.stat().st_ino
    assert first != copy
    _retitle(project, "turquie-avocat", "Turquie : titre corrigé")
    project.incremental()
    assert _tree(project.output) == project.full()
    assert project.output.stat().st_ino == copy  # the spare, brought up to date, swapped in
    assert spare.stat().st_ino == first  # the replaced output, kept
    assert "titre corrigé" not in (spare / "actions/turquie-avocat/index.html").read_text("utf-8")
    before = _stats(project.output)
    _retitle(project, "iran-militante", "Iran : titre revu")
    (project.content / "actions" / "chine-journaliste.md").unlink()
    project.write("egypte-chercheur-deuxieme-suite", action(update=2, date="2026-11-22"))
    # The update it follows is closed (a case has one open action), as ./dev follow-up does.
    project.write("egypte-chercheur-suite", SUITE_CLOSED)
    project.incremental()
    assert project.output.stat().st_ino == first
    assert spare.stat().st_ino == copy
    tree = _tree(project.output)
    assert tree == project.full()
    assert _dirs(project.output) == _full_dirs(project)  # nothing left of the removed action
    assert "actions/chine-journaliste" not in _dirs(project.output)
    changed = _changed(before, _stats(project.output))
    # Changed in the build before, so not shared by the spare: linked from the published output.
    assert "actions/turquie-avocat/index.html" not in changed
    assert "actions/egypte-chercheur/index.html" in changed  # its case has a new update
    assert "actions/iran-militante/index.html" in changed
    assert "actions/iran-militante-suite/index.html" in changed
    assert "actions/turquie-avocat/index.html" in tree  # and not lost on the way


@pytest.mark.parametrize("tamper", ["add", "delete", "replace", "modify", "directory", "stamp"])
def test_a_spare_changed_by_hand_still_gives_the_full_build(project, tamper):
    _retitle(project, "turquie-avocat", "Turquie : titre corrigé")
    project.incremental()
    spare = project.root / ".output.spare"
    page = spare / "actions" / "egypte-chercheur" / "index.html"
    assert page.stat().st_ino == (project.output / "actions/egypte-chercheur/index.html").stat().st_ino
    if tamper == "add":
        (page.parent / "intrus.html").write_text("<p>intrus</p>", "utf-8")
    elif tamper == "delete":
        page.unlink()
    elif tamper == "replace":
        page.unlink()
        page.write_text("<p>remplacée</p>", "utf-8")
    elif tamper == "modify":  # in place: the published page, its other name, changes too
        with open(page, "a", encoding="utf-8") as handle:
            handle.write("<p>ajout</p>")
    elif tamper == "directory":
        (spare / "intrus" / "a").mkdir(parents=True)
        (spare / "intrus" / "a" / "index.html").write_text("<p>intrus</p>", "utf-8")
    elif tamper == "stamp":
        (stamp,) = (project.root / ".cache" / "urgent-actions").glob("*.spare.pickle")
        stamp.unlink()
    _retitle(project, "iran-militante", "Iran : titre revu")
    project.incremental()
    assert _tree(project.output) == project.full()
    assert _dirs(project.output) == _full_dirs(project)
    assert not list(project.root.glob(".output.discarded*"))  # a spare set aside is removed by the end


def test_without_incremental_builds_there_is_no_spare(project):
    _retitle(project, "turquie-avocat", "Turquie : titre corrigé")
    project.incremental()
    assert (project.root / ".output.spare").is_dir()
    project.build(project.root, project.output, overrides=("UA_INCREMENTAL=false",))
    assert not list(project.root.glob(".output.*"))
    assert _tree(project.output) == project.full()


def test_after_a_change_of_settings_the_next_build_starts_from_a_spare_again(project):
    settings = ("UA_ARCHIVE_PAGE_SIZE=2",)  # another layout: the spare cannot be renovated
    result = project.build(project.root, project.output, overrides=settings, extra_args=("--verbose",))
    assert "The spare output does not match the cache" in " ".join((result.stdout + result.stderr).split())
    # The replaced output was removed; the new spare is a copy of the new output.
    page = "archives/page/2/index.html"
    spare = project.root / ".output.spare"
    assert (spare / page).stat().st_ino == (project.output / page).stat().st_ino
    _retitle(project, "turquie-avocat", "Turquie : titre corrigé")
    result = project.build(project.root, project.output, overrides=settings, extra_args=("--verbose",))
    assert "Starting from the spare output" in " ".join((result.stdout + result.stderr).split())
    assert _tree(project.output) == project.full(overrides=settings)
    assert _dirs(project.output) == _full_dirs(project)


def test_the_output_listed_beside_the_build_is_listed_before_it_is_published(tmp_path):
    """The listing made while Pagefind runs walks the staging directory by path:
    publishing swaps that path with the old output's, so it must end first
    (it once went on in the old output, which the build was deleting)."""
    from urgent_actions.speed import output_swap, stamps

    final, staging = tmp_path / "output", tmp_path / ".output.staging"
    for root, count in ((final, 50), (staging, 4000)):
        for number in range(count):
            page = root / "actions" / f"action-{number}" / "index.html"
            page.parent.mkdir(parents=True)
            page.write_text(f"{root.name} {number}", "utf-8")
    early = stamps.EarlyStamp(str(staging), later=())
    early.join()  # BuildRun.publish ends the listing before the swap
    assert not early.is_alive()
    removal = output_swap.publish(str(staging), str(final), background=True)
    files, dirs = early.result(str(final))
    if removal is not None:
        removal.join()
    assert (files, dirs) == stamps.stat_tree(str(final), with_dirs=True)
    assert len(files) == 4000


def test_the_late_listing_takes_the_hard_links_of_files_listed_early_without_a_stat(tmp_path, monkeypatch):
    """The merged search index (listed once published) hard-links every page's fragment
    from the shards, which the listing beside the build found: those entries take the
    identity of their inode, and only the others are stat'ed. The stamp is the same."""
    from urgent_actions.speed import output_swap, stamps

    final, staging = tmp_path / "output", tmp_path / ".output.staging"
    (final / "old").mkdir(parents=True)
    (final / "old" / "index.html").write_text("old", "utf-8")
    shard = staging / "pagefind-2020-p1" / "fragment"
    shard.mkdir(parents=True)
    for number in range(20):
        (shard / f"fr_{number}.pf_fragment").write_bytes(b"x" * number)
    early = stamps.EarlyStamp(str(staging), later=("pagefind",), links_from=("pagefind-",))
    early.join()
    merged = staging / "pagefind" / "fragment"
    merged.mkdir(parents=True)
    for number in range(20):
        os.link(shard / f"fr_{number}.pf_fragment", merged / f"fr_{number}.pf_fragment")
    (staging / "pagefind" / "pagefind-entry.json").write_text("{}", "utf-8")
    removal = output_swap.publish(str(staging), str(final), background=True)
    stated = []
    file_id = stamps.file_id
    monkeypatch.setattr(stamps, "file_id", lambda stat: stated.append(stat) or file_id(stat))
    files, dirs = early.result(str(final))
    if removal is not None:
        removal.join()
    assert len(stated) == 1  # pagefind-entry.json: the 20 fragments are links of listed files
    monkeypatch.undo()
    assert (files, dirs) == stamps.stat_tree(str(final), with_dirs=True)
    assert len(files) == 41


def test_the_spare_copy_takes_the_stamp_just_recorded_without_reading_it_back(tmp_path, monkeypatch):
    """The first build of an output copies it as the spare and records the copy's stamp:
    the published one with the copy's root. It takes the stamp it has just recorded
    (reading it back held a second copy of every file's identity at the build's
    fullest moment)."""
    from urgent_actions.speed import stamps

    final, cache = tmp_path / "output", tmp_path / "cache"
    (final / "actions").mkdir(parents=True)
    (final / "actions" / "index.html").write_text("page", "utf-8")
    recorded = stamps.record_published(str(cache), str(final), "inputs", "layout")
    assert recorded == stamps.load_stamp(stamps.stamp_path(str(cache), str(final)))

    def no_reading(path):
        raise AssertionError(f"read back: {path}")

    monkeypatch.setattr(stamps, "load_stamp", no_reading)
    stamps.record_spare_copy(str(cache), str(final), 1234, recorded)
    monkeypatch.undo()
    spare = stamps.load_stamp(stamps.stamp_path(str(cache), str(final), "spare"))
    assert spare == {**recorded, "root": 1234}


def test_the_stamp_lists_again_only_the_directories_changed_since_the_last_one(tmp_path, monkeypatch):
    """A directory whose mtime is the one the previous stamp recorded holds the files
    it recorded: the listing takes them from it, when the build knows each as that
    inode, and lists every other directory."""
    import os

    from urgent_actions.speed import stamps

    root = tmp_path / "staging"
    for folder in ("a", "b", "c", "c/d"):
        for number in range(3):
            page = root / folder / f"page-{number}.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"{folder} {number}", "utf-8")
    for folder in (root, *(p for p in root.rglob("*") if p.is_dir())):
        os.utime(folder, ns=(1_600_000_000_000_000_000,) * 2)  # older than any change below
    files, dirs = stamps.stat_tree(str(root), with_dirs=True)
    previous = {"files": files, "dirs": dirs}
    (root / "b" / "new.html").write_text("new", "utf-8")  # b changes
    (root / "c" / "d" / "page-0.html").unlink()  # c/d changes
    (root / "c" / "d" / "page-0.html").write_text("again", "utf-8")

    listed = []
    real_scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: listed.append(os.path.relpath(path, root)) or real_scandir(path))
    known = {name: identity for name, identity in files.items() if name != "c/d/page-0.html"}
    tree = stamps.stat_tree(str(root), with_dirs=True, known=known, previous=previous)
    assert sorted(listed) == [".", "b", "c/d"]  # the root is always listed
    assert tree == stamps.stat_tree(str(root), with_dirs=True)

    # A file the build does not know as the recorded inode: its directory is listed.
    listed.clear()
    unknown = {name: identity for name, identity in known.items() if name != "a/page-1.html"}
    stamps.stat_tree(str(root), with_dirs=True, known=unknown, previous=previous)
    assert sorted(listed) == [".", "a", "b", "c/d"]


def test_a_shard_directory_with_a_stale_file_is_discarded_whole(tmp_path):
    """Renovating a spare, a search shard that must go is moved away in one rename
    (then removed beside the build), not unlinked file by file; other stale files
    are unlinked, and what is shared with the published output stays."""
    from urgent_actions.speed import output_swap, spare_tree, stamps

    final, spare = tmp_path / "output", tmp_path / ".output.staging"
    names = ["actions/a/index.html", "actions/b/index.html", "pagefind-2001-2002/pagefind-entry.json",
             *(f"pagefind-2001-2002/fragment/{n}.pf_fragment" for n in range(50)),
             *(f"pagefind-2003-2004/fragment/{n}.pf_fragment" for n in range(5))]  # fmt: skip
    for name in names:
        (final / name).parent.mkdir(parents=True, exist_ok=True)
        (final / name).write_text(name, "utf-8")
        (spare / name).parent.mkdir(parents=True, exist_ok=True)
        os.link(final / name, spare / name)
    stamp = dict(zip(("files", "dirs"), stamps.stat_tree(str(spare), with_dirs=True)))
    stamp["root"] = spare.stat().st_ino
    # Since the spare was published, the next build replaced two files of the output.
    for name in ("actions/b/index.html", "pagefind-2001-2002/fragment/7.pf_fragment"):
        (final / name).unlink()
        (final / name).write_text("new", "utf-8")
    published = {"files": stamps.stat_tree(str(final)), "dirs": {}}

    discarded, removals = [], output_swap.Removals()

    def discard(path):
        discarded.append(os.path.relpath(path, spare))
        removals.discard_beside(path, str(final))

    renovation = spare_tree.renovate(
        str(spare), stamp, published, lambda name: True, wholes=("pagefind/", "pagefind-"), discard=discard
    )
    removals.join()
    assert discarded == ["pagefind-2001-2002"]
    assert not (spare / "pagefind-2001-2002").exists()
    assert not list(tmp_path.glob(".output.discarded*"))  # removed beside the build
    assert not (spare / "actions/b/index.html").exists()
    assert sorted(renovation.candidates) == sorted(
        n for n in names if n != "actions/b/index.html" and not n.startswith("pagefind-2001-2002/")
    )
    assert renovation.removed == 1 + 51  # the page, and the shard's files


def test_a_build_removes_what_an_interrupted_one_was_discarding(tmp_path):
    from urgent_actions.speed import output_swap

    final = tmp_path / "output"
    final.mkdir()
    left = tmp_path / ".output.discarded.3" / "fragment"
    left.mkdir(parents=True)
    (left / "x.pf_fragment").write_text("x", "utf-8")
    staging, _ = output_swap.prepare(str(final), "drop", output_swap.Removals())
    assert not (tmp_path / ".output.discarded.3").exists()
    assert os.path.isdir(staging)


def test_the_output_is_swapped_in_by_the_interpreter_s_own_libc(tmp_path, monkeypatch):
    """renameat2 comes from the C library already loaded: finding it by name would
    run ldconfig, a process, on every build."""
    import ctypes.util

    from urgent_actions.speed import output_swap

    def no_search(name):
        raise AssertionError("find_library was called")

    monkeypatch.setattr(ctypes.util, "find_library", no_search)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "which").write_text("a", "utf-8")
    (b / "which").write_text("b", "utf-8")
    assert output_swap.exchange(str(a), str(b))
    assert (a / "which").read_text("utf-8") == "b" and (b / "which").read_text("utf-8") == "a"

"""Deploying: only a verified production build goes out, to a gh-pages branch (a real
bare repository here) or over rsync (a local directory here), sending only what changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import BUILD_EPOCH, ROOT
from urgent_actions.publish import deploy, production


def copy_output(production_site, tmp_path) -> Path:
    output, _ = production_site
    copy = tmp_path / "output"
    shutil.copytree(output, copy)
    return copy


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def test_a_verified_build_is_accepted(production_site):
    output, _ = production_site
    assert deploy.verify_output(output)["complete"] is True


def test_an_output_without_manifest_is_refused(production_site, tmp_path):
    output = copy_output(production_site, tmp_path)
    (output / production.MANIFEST).unlink()
    with pytest.raises(deploy.DeployError, match="not the output of a successful production build"):
        deploy.deploy(str(output), {"method": "rsync", "target": str(tmp_path / "site")}, ROOT)
    assert not (tmp_path / "site").exists()


def test_an_output_changed_after_the_build_is_refused(production_site, tmp_path):
    output = copy_output(production_site, tmp_path)
    (output / "index.html").write_text("<p>edited by hand</p>", "utf-8")
    (output / "stray.html").write_text("<p>left over</p>", "utf-8")
    (output / "404.html.br").unlink()
    with pytest.raises(deploy.DeployError) as caught:
        deploy.verify_output(output)
    message = str(caught.value)
    assert "files missing: 404.html.br" in message
    assert "files not built: stray.html" in message
    assert "files changed since the build: index.html" in message


def test_a_development_build_is_refused(built_site):
    with pytest.raises(deploy.DeployError, match="no _build-manifest.json"):
        deploy.verify_output(built_site)


def test_an_incomplete_manifest_is_refused(production_site, tmp_path):
    output = copy_output(production_site, tmp_path)
    manifest = json.loads((output / production.MANIFEST).read_text("utf-8"))
    manifest.update(complete=False, siteurl="", fingerprinted=False)
    (output / production.MANIFEST).write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(deploy.DeployError) as caught:
        deploy.verify_output(output)
    assert "the build did not complete" in str(caught.value)
    assert "SITEURL is not absolute" in str(caught.value)
    assert "not fingerprinted" in str(caught.value)


def itemized_files(line_output: str) -> list[str]:
    # rsync --itemize-changes: ">f..." is a file sent, "*deleting" a file removed.
    return sorted(line.split(None, 1)[1] for line in line_output.splitlines() if line.startswith((">f", "*deleting")))


@pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed (apt-get install rsync)")
def test_rsync_sends_only_what_changed(production_site, tmp_path):
    output = copy_output(production_site, tmp_path)
    target = tmp_path / "server" / "site"
    target.parent.mkdir()
    config = {"method": "rsync", "target": str(target) + "/"}

    (target / "pagefind-1990").mkdir(parents=True)  # a search shard an older deploy sent
    (target / "pagefind-1990" / "pagefind-entry.json").write_text("{}", "utf-8")
    report = deploy.deploy(str(output), config, ROOT)
    assert report.startswith(f"rsync to {target}/:")
    assert production.file_hashes(target) == published(output)
    assert any(name.startswith("pagefind-") for name in production.file_hashes(output))  # built, not sent

    # A second build identical in content but written anew: nothing is sent.
    for path in output.rglob("*"):
        os.utime(path, (1, 1))
    resent = subprocess.run(deploy.rsync_command(str(output), config), capture_output=True, text=True, check=True)
    assert itemized_files(resent.stdout) == []

    # A new build where one page changed and one file disappeared.
    page = next(output.glob("actions/*/index.html"))
    page.write_text(page.read_text("utf-8").replace("</main>", "<p>Mise à jour</p></main>"), "utf-8")
    (output / "404.html.gz").unlink()
    production.write_manifest(
        output,
        "https://actions.example.org",
        {"UA_FINGERPRINT_ASSETS": True, "UA_PRECOMPRESS": True},
    )
    sent = subprocess.run(deploy.rsync_command(str(output), config), capture_output=True, text=True, check=True)
    assert itemized_files(sent.stdout) == sorted(
        [production.MANIFEST, "404.html.gz", page.relative_to(output).as_posix()]
    )
    assert production.file_hashes(target) == published(output)


def published(output: Path) -> dict[str, str]:
    """The output's files that are published: all but the search shards (pagefind-<years>/)."""
    return {name: digest for name, digest in production.file_hashes(output).items() if not name.startswith("pagefind-")}


def make_project(tmp_path: Path, remote: Path) -> Path:
    """A copy of the project (no tests, no builds) in its own git repository."""
    project = tmp_path / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "output", "tests", "__pycache__", ".*.staging", ".*.spare"
        ),
    )
    git("init", "--quiet", str(project))
    git("remote", "add", "origin", str(remote), cwd=project)
    return project


SITEURL = "https://actions.reseau-urgences.be"


def run_publish(project: Path, remote: Path) -> subprocess.CompletedProcess:
    # A real configuration: the example's (example.org, no UA_DEPLOY) is refused.
    env = {
        **os.environ,
        "SOURCE_DATE_EPOCH": BUILD_EPOCH,
        "SITEURL": SITEURL,
        "UA_DEPLOY": json.dumps({"method": "gh-pages", "remote": str(remote)}),
    }
    return subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--yes"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_invoke_publish_pushes_the_build_to_gh_pages_and_never_a_failed_one(tmp_path):
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote))
    project = make_project(tmp_path, remote)

    first = run_publish(project, remote)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "gh-pages: pushed" in first.stdout
    tip = git("--git-dir", str(remote), "rev-parse", "gh-pages")
    files = git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    output = project / "output"
    assert set(files) == set(published(output)) | {production.MANIFEST, ".nojekyll"}
    shown = subprocess.run(
        ["git", "--git-dir", str(remote), "show", "gh-pages:index.html"],
        capture_output=True,
        check=True,
    ).stdout
    assert shown == (output / "index.html").read_bytes()
    assert SITEURL.encode() + b"/theme/css/site." in shown

    # The same output again: nothing new to push.
    report = deploy.deploy(str(output), {"method": "gh-pages", "remote": str(remote)}, project)
    assert report.endswith("already up to date")
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip

    # A broken action: the build fails, the deployment never starts, gh-pages stays.
    broken = next((project / "content" / "actions").glob("*.md"))
    broken.write_text(broken.read_text("utf-8").replace("deadline:", "deadlin:", 1), "utf-8")
    failed = run_publish(project, remote)
    assert failed.returncode != 0
    assert f"content/actions/{broken.name}" in failed.stderr
    assert "gh-pages" not in failed.stdout
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages") == tip

    # Fixed and changed: a new commit on top of the previous one (no force push).
    broken.write_text(
        broken.read_text("utf-8").replace("deadlin:", "deadline:", 1) + "\nUn paragraphe de plus.\n",
        "utf-8",
    )
    fixed = run_publish(project, remote)
    assert fixed.returncode == 0, fixed.stderr + fixed.stdout
    assert git("--git-dir", str(remote), "rev-parse", "gh-pages^") == tip

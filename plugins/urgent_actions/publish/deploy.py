"""Deploy a production build: to a server over rsync, or to a gh-pages branch.

Only an output whose ``_build-manifest.json`` (written last by the build, see
production.py) is present, complete, made with fingerprinted and precompressed
assets, and matches every file byte for byte can be deployed: a failed,
interrupted, development or hand-edited build is refused with a message.

``UA_DEPLOY`` (publishconf.py; defaults and keys in settings.py) chooses:

- ``{"method": "rsync", "target": ..., "ssh": ..., "reload": ...}``: only the
  files whose content changed are sent (``--checksum``), new files are put in
  place together at the end (``--delay-updates``) and removed files deleted after
  (``--delete-after``); then ``reload`` runs (e.g. to reload nginx).

Neither sends the search shards (``pagefind-<years>/``): the build keeps them
to index an edit cheaply, and merges them into ``pagefind/``, which readers load.
- ``{"method": "gh-pages", "remote": ..., "branch": ..., "cname": ...}``: one
  commit whose tree is the output, on top of the branch's current tip, pushed
  without force. It is made in a scratch repository, so the project's checkout,
  index and branches are never touched.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from ..site.search import DIRECTORY_PREFIXES
from .production import MANIFEST, MANIFEST_FORMAT, file_hashes

# The search shards, at the output's root: built, never published.
SHARDS = DIRECTORY_PREFIXES[1] + "*"


class DeployError(Exception):
    """Why nothing was deployed (a sentence for the person publishing)."""


def verify_output(output: str | os.PathLike) -> dict:
    """The manifest of a complete production build at ``output``, or DeployError."""
    root = Path(output)
    path = root / MANIFEST
    if not path.is_file():
        raise DeployError(
            f"{root}: no {MANIFEST}: this is not the output of a successful production "
            "build (run `invoke publish`, which builds with publishconf.py first)"
        )
    try:
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise DeployError(f"{path}: unreadable build manifest ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise DeployError(f"{path}: unknown build manifest format")
    problems = []
    if manifest.get("complete") is not True:
        problems.append("the build did not complete")
    if not str(manifest.get("siteurl", "")).startswith(("https://", "http://")):
        problems.append("SITEURL is not absolute (a development build?)")
    if not manifest.get("fingerprinted") or not manifest.get("precompressed"):
        problems.append("assets are not fingerprinted and precompressed (publishconf.py not used?)")
    expected = manifest.get("files") or {}
    actual = file_hashes(root, skip=(MANIFEST,))
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(name for name in set(expected) & set(actual) if expected[name] != actual[name])
    for label, names in (
        ("missing", missing),
        ("not built", extra),
        ("changed since the build", changed),
    ):
        if names:
            shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
            problems.append(f"files {label}: {shown}")
    if problems:
        raise DeployError(f"{root}: refusing to deploy: " + "; ".join(problems))
    return manifest


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise DeployError(
            f"`{shlex.join(command)}` failed ({result.returncode}): {(result.stderr or result.stdout).strip()}"
        )
    return result


def rsync_command(output: str, config: dict, dry_run: bool = False) -> list[str]:
    """The rsync command line that mirrors ``output`` to ``config['target']``."""
    target = config.get("target")
    if not target:
        raise DeployError("UA_DEPLOY: method 'rsync' needs a 'target' (host:/path/ or a directory)")
    command = [
        "rsync",
        "--recursive",
        "--links",
        "--checksum",
        "--delete-after",
        "--delay-updates",
        "--chmod=D755,F644",
        "--itemize-changes",
        "--exclude=.git",
        # Hidden from the transfer only: the server's copies, if any, are deleted.
        f"--filter=H /{SHARDS}/",
    ]
    if config.get("ssh"):
        command += ["-e", config["ssh"]]
    if dry_run:
        command.append("--dry-run")
    return command + [str(output).rstrip("/") + "/", target]


def deploy_rsync(output: str, config: dict, dry_run: bool = False) -> str:
    result = _run(rsync_command(output, config, dry_run))
    changed = [line for line in result.stdout.splitlines() if line.strip()]
    if config.get("reload") and not dry_run:
        _run(["sh", "-c", config["reload"]])
    return f"rsync to {config['target']}: {len(changed)} change(s)" + (" (dry run)" if dry_run else "")


def _project_git(project: Path, *args: str) -> subprocess.CompletedProcess:
    """A git command on the project's own repository; its failure is for the caller to judge."""
    return subprocess.run(["git", "-C", str(project), *args], capture_output=True, text=True, check=False)


def _default_remote(project: Path) -> str:
    result = _project_git(project, "remote", "get-url", "origin")
    if result.returncode != 0:
        raise DeployError("UA_DEPLOY: method 'gh-pages' needs a 'remote' (the project has no 'origin')")
    return result.stdout.strip()


def _source_commit(project: Path) -> str:
    result = _project_git(project, "rev-parse", "--short", "HEAD")
    return result.stdout.strip() if result.returncode == 0 else "unknown"


def _committer(config: dict) -> dict[str, str]:
    """The author and committer of the published commit, from the deploy settings."""
    name = config.get("author_name", "Publishing")
    email = config.get("author_email", "publishing@example.org")
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _published_tip(git: list[str], remote: str, branch: str) -> str | None:
    """The commit at the tip of the published branch, or None when the branch does not exist yet."""
    refspec = f"+refs/heads/{branch}:refs/remotes/site/{branch}"
    fetched = subprocess.run(
        git + ["fetch", "--quiet", "--depth=1", remote, refspec], capture_output=True, text=True, check=False
    )
    if fetched.returncode == 0:
        return _run(git + ["rev-parse", f"refs/remotes/site/{branch}"]).stdout.strip()
    if "couldn't find remote ref" not in fetched.stderr:
        raise DeployError(f"cannot fetch {branch} from {remote}: {fetched.stderr.strip()}")
    return None


def _output_tree(git: list[str], output: str, config: dict, env: dict) -> str:
    """The tree of every built file (the output's ignore rules do not apply), plus
    .nojekyll, so that GitHub Pages serves files whose names start with "_", and CNAME."""
    _run(git + ["--work-tree", output, "add", "--all", "--force", "."], env=env)
    _run(git + ["--work-tree", output, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", ".git", SHARDS], env=env)
    extras = {".nojekyll": ""}
    if config.get("cname"):
        extras["CNAME"] = config["cname"] + "\n"
    for name, text in extras.items():
        blob = _run(git + ["hash-object", "-w", "--stdin"], input=text).stdout.strip()
        _run(git + ["update-index", "--add", "--cacheinfo", f"100644,{blob},{name}"], env=env)
    return _run(git + ["write-tree"], env=env).stdout.strip()


def deploy_gh_pages(output: str, config: dict, project: Path, dry_run: bool = False) -> str:
    """Commit the output as the new tip of the branch and push it (fast-forward only)."""
    remote = config.get("remote") or _default_remote(project)
    branch = config.get("branch") or "gh-pages"
    output = str(Path(output).resolve())
    with tempfile.TemporaryDirectory(prefix="gh-pages-") as scratch:
        env = {**os.environ, **_committer(config), "GIT_INDEX_FILE": os.path.join(scratch, "index")}
        git = ["git", "--git-dir", os.path.join(scratch, "repo.git")]
        _run(["git", "init", "--quiet", "--bare", os.path.join(scratch, "repo.git")])
        parent = _published_tip(git, remote, branch)
        tree = _output_tree(git, output, config, env)
        if parent and _run(git + ["rev-parse", f"{parent}^{{tree}}"]).stdout.strip() == tree:
            return f"gh-pages: {remote} {branch} already up to date"
        message = config.get("message") or f"Publish the site built from {_source_commit(project)}"
        command = git + ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
        commit = _run(command, env=env).stdout.strip()
        if dry_run:
            return f"gh-pages: would push {commit[:12]} to {remote} {branch} (dry run)"
        _run(git + ["push", "--quiet", remote, f"{commit}:refs/heads/{branch}"], env=env)
        return f"gh-pages: pushed {commit[:12]} to {remote} {branch}"


# --- Before anything is built: is this a real site, and does its operator know where it goes?

# Hosts reserved for documentation (RFC 2606) and this machine: never a published site.
EXAMPLE_HOSTS = ("example.org", "example.com", "example.net", "example", "localhost", "invalid", "test")
# Where the targets already confirmed from this checkout are remembered (git ignores it).
CONFIRMED_FILE = ".deploy-confirmed"


def is_example_url(url: str) -> bool:
    """Whether ``url`` is unset, relative, or on an example or local host."""
    from urllib.parse import urlsplit

    host = (urlsplit(url or "").hostname or "").lower()
    if not host or host.startswith("127.") or host == "::1":
        return True
    return any(host == name or host.endswith("." + name) for name in EXAMPLE_HOSTS)


def configuration_problems(settings: dict) -> list[str]:
    """Why the production settings (``publishconf.py`` as read by Pelican) must not
    be deployed: the example SITEURL, or no UA_DEPLOY of the operator's own."""
    problems = []
    siteurl = settings.get("SITEURL") or ""
    if is_example_url(siteurl):
        shown = f"'{siteurl}'" if siteurl else "not set"
        problems.append(
            f"SITEURL is {shown}, the example configuration's: set the site's real address "
            "(SITEURL=https://… in the environment, or in publishconf.py)"
        )
    if "UA_DEPLOY" not in settings:
        problems.append(
            "UA_DEPLOY is not set: say where the site goes, in publishconf.py or in the "
            'environment (UA_DEPLOY=\'{"method": "gh-pages"}\'; see deploy/README.md)'
        )
    return problems


def describe_target(config: dict, project: str | os.PathLike) -> str:
    """Where ``config`` (UA_DEPLOY) sends the site, in words; DeployError if it cannot say."""
    method = config.get("method", "none")
    if method == "rsync":
        if not config.get("target"):
            raise DeployError("UA_DEPLOY: method 'rsync' needs a 'target' (host:/path/ or a directory)")
        return f"rsync to {config['target']}"
    if method == "gh-pages":
        remote = config.get("remote") or _default_remote(Path(project))
        return f"branch {config.get('branch') or 'gh-pages'} of {remote}"
    if method == "none":
        return "nowhere (UA_DEPLOY method 'none')"
    raise DeployError(f"UA_DEPLOY: unknown method {method!r} (use 'rsync', 'gh-pages' or 'none')")


def is_confirmed(target: str, project: str | os.PathLike) -> bool:
    """Whether a deployment to ``target`` was confirmed (``--yes``) from this checkout."""
    path = Path(project) / CONFIRMED_FILE
    try:
        return target in path.read_text("utf-8").splitlines()
    except OSError:
        return False


def remember_confirmed(target: str, project: str | os.PathLike) -> None:
    """Remember that ``target`` was confirmed: later deployments there need no ``--yes``."""
    if is_confirmed(target, project):
        return
    with open(Path(project) / CONFIRMED_FILE, "a", encoding="utf-8") as handle:
        handle.write(target + "\n")


def deploy(output: str, config: dict, project: str | os.PathLike, dry_run: bool = False) -> str:
    """Verify the build at ``output`` then deploy it as ``config`` (UA_DEPLOY) says."""
    verify_output(output)
    method = config.get("method", "none")
    if method == "rsync":
        return deploy_rsync(output, config, dry_run)
    if method == "gh-pages":
        return deploy_gh_pages(output, config, Path(project), dry_run)
    if method == "none":
        return "UA_DEPLOY method is 'none': built and verified, nothing deployed"
    raise DeployError(f"UA_DEPLOY: unknown method {method!r} (use 'rsync', 'gh-pages' or 'none')")

"""Tasks for people and CI: ``invoke --list`` (or ``./dev --list``) shows them all."""

from __future__ import annotations

import os
import shutil
import sys

from invoke import task

ROOT = os.path.dirname(os.path.abspath(__file__))
PYTHON = sys.executable
OUTPUT = "output"


def pelican_command(settings="pelicanconf.py", output=OUTPUT, extra=""):
    """The one build command: Pelican itself, with the project's plugin."""
    return f'"{PYTHON}" -m pelican -s {settings} -o {output} --fatal warnings {extra}'.strip()


@task(help={"output": "directory to write the site to", "settings": "settings file"})
def build(c, output=OUTPUT, settings="pelicanconf.py"):
    """Build the site (validation first; a failed build leaves the output untouched)."""
    with c.cd(ROOT):
        c.run(pelican_command(settings, output), pty=False)


@task(help={"port": "port on 127.0.0.1", "output": "directory to serve"})
def serve(c, port=8000, output=OUTPUT):
    """Build, serve on http://127.0.0.1:PORT and rebuild when content or theme change."""
    with c.cd(ROOT):
        c.run(
            f'"{PYTHON}" -m pelican -s pelicanconf.py -o {output} '
            f"--autoreload --listen --bind 127.0.0.1 --port {port}",
            pty=False,
        )


@task
def clean(c):
    """Remove the built site and caches."""
    for path in (OUTPUT, ".cache", f".{OUTPUT}.staging", f".{OUTPUT}.previous"):
        shutil.rmtree(os.path.join(ROOT, path), ignore_errors=True)


@task(help={"k": "only tests matching this expression", "x": "stop at the first failure"})
def test(c, k="", x=False):
    """Run the whole test suite (browser, accessibility and HTML checks included)."""
    args = ["-q"]
    if k:
        args += ["-k", f'"{k}"']
    if x:
        args.append("-x")
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m pytest {" ".join(args)}', pty=False)


@task
def lint(c):
    """ruff over the Python code."""
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m ruff check plugins tests tasks.py pelicanconf.py publishconf.py')


@task(
    help={
        "output": "directory to build the production site into",
        "deploy": "deploy after building (--no-deploy: build and verify only)",
        "dry_run": "show what the deployment would do, change nothing",
    }
)
def publish(c, output=OUTPUT, deploy=True, dry_run=False):
    """Production build (publishconf.py, --fatal warnings), then deploy as UA_DEPLOY says.

    The deployment only starts when the build succeeded: it checks the build
    manifest written last by the build (plugins/urgent_actions/deploy.py).
    """
    with c.cd(ROOT):
        c.run(pelican_command("publishconf.py", output), pty=False)
    sys.path[:0] = [os.path.join(ROOT, "plugins"), ROOT]
    from pelican.settings import read_settings
    from urgent_actions.deploy import DeployError, verify_output
    from urgent_actions.deploy import deploy as deploy_site
    from urgent_actions.settings import resolve

    settings = resolve(read_settings(os.path.join(ROOT, "publishconf.py")))
    try:
        if deploy:
            print(deploy_site(os.path.join(ROOT, output), settings["UA_DEPLOY"], ROOT, dry_run))
        else:
            verify_output(os.path.join(ROOT, output))
            print(f"{output}: production build verified; not deployed (--no-deploy)")
    except DeployError as error:
        sys.exit(f"publish: {error}")

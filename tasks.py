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
        "actions": "number of synthetic actions",
        "json": "write the results to this JSON file",
        "stock": "also build the same bodies with stock Pelican (default: yes)",
    }
)
def bench(c, actions=2000, json="", stock=True):
    """Time full, unchanged and one-edited builds against stock Pelican (docs/performance.md)."""
    args = [f"--actions {int(actions)}"]
    if json:
        args.append(f'--json "{json}"')
    if not stock:
        args.append("--no-stock")
    with c.cd(ROOT):
        c.run(f'"{PYTHON}" -m benchmarks.bench {" ".join(args)}', pty=False)

"""Templates compiled to Python bytecode, kept between builds."""

from __future__ import annotations

import os
import shutil

import jinja2


def cache_compiled(env, cache_path: str, key: str) -> None:
    """Keep the templates compiled to Python bytecode between builds, in a directory
    named after ``key`` (everything compiling depends on besides the template's own
    source); the directories of other keys are removed. Compiling the action page's
    templates is about a quarter of a second of every rebuild."""
    parent = os.path.abspath(cache_path)
    name = f"templates-{key[:20]}"
    directory = os.path.join(parent, name)
    try:
        os.makedirs(directory, exist_ok=True)
        for other in os.listdir(parent):
            if other.startswith("templates-") and other != name:
                shutil.rmtree(os.path.join(parent, other), ignore_errors=True)
    except OSError:
        return  # no cache: templates are compiled as usual
    env.bytecode_cache = _BytecodeCache(directory)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's, except that a template it cannot keep is not an error: a build with
    other settings sharing the cache path removes this build's directory
    (:func:`cache_compiled`), and a full disk only makes the next build slower."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass

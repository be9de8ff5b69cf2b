"""What the build writes: a list of outputs, each a path and how to make its bytes.

Collecting outputs (deciding which pages exist) is separate from rendering
them, so that the generator can skip the ones whose inputs did not change and
the tests can look at the plan without writing anything.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Output:
    """One file of the site.

    Either ``template`` (a Jinja template name, rendered with ``context``) or
    ``render`` (a function returning ``str`` or ``bytes``) makes the content.

    ``key``, when given, is a digest of every input the file's bytes depend on
    besides the site-wide ones (theme, settings, plugin code, non-action
    content), e.g. ``incremental.fingerprint(action.source_digest, build_date)``.
    With a key, an incremental build reuses the published file when the key did
    not change; without one, the file is always rendered. ``context`` may
    also be a function returning the dict, called only if the page is rendered
    (costly data a reused page does not need).
    """

    save_as: str
    template: str | None = None
    context: dict | Callable[[], dict] = field(default_factory=dict)
    render: Callable[[], str | bytes] | None = None
    key: str | None = None


def write_file(root: str, save_as: str, data: str | bytes) -> str:
    """Write ``data`` at ``root/save_as`` through a temporary file and a rename.

    A rename never writes into an existing inode, so a file that is a hard
    link to the published site is replaced, never modified in place.
    """
    path = os.path.join(root, save_as)
    real_root = os.path.realpath(root)
    if os.path.commonpath([os.path.realpath(path), real_root]) != real_root:
        raise ValueError(f"refusing to write outside the output directory: {save_as}")
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return path

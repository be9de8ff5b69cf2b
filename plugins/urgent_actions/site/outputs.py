"""What the build writes: a list of outputs, each a path and how to make its bytes.

Collecting outputs (deciding which pages exist) is separate from rendering
them, so that the generator can skip the ones whose inputs did not change and
the tests can look at the plan without writing anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Output:
    """One file of the site.

    Either ``template`` (a Jinja template name, rendered with ``context``) or
    ``render`` (a function returning ``str`` or ``bytes``) makes the content.

    ``key``, when given, is a digest of every input the file's bytes depend on
    besides the site-wide ones (theme, settings, plugin code, non-action
    content), e.g. ``keys.actions_key([action], build_date)`` (:mod:`urgent_actions.site.keys`).
    With a key, an incremental build reuses the published file when the key did
    not change; without one, the file is always rendered. ``context`` may
    also be a function returning the dict, called only if the page is rendered
    (costly data a reused page does not need). ``key`` may be a function too,
    called once every output of the build is known (a page that lists them).
    """

    save_as: str
    template: str | None = None
    context: dict | Callable[[], dict] = field(default_factory=dict)
    render: Callable[[], str | bytes] | None = None
    key: str | Callable[[], str] | None = None

"""Old addresses keep working: one small redirect page per alias of an action."""

from __future__ import annotations

from .keys import actions_key
from .outputs import Output


def outputs(build):
    for action in build.site.actions:
        for alias in action.front.aliases:
            path = alias.lstrip("/")
            save_as = path + "index.html" if path.endswith("/") or not path else path
            yield Output(
                save_as,
                template="redirect",
                context={"action": action, "redirect_to": action.url, "page_name": "redirect"},
                key=actions_key([action], build.build_date),
            )

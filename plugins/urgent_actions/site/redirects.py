"""Old addresses keep working: one small redirect page per alias of an action."""

from __future__ import annotations

from .. import urls
from .build import Build
from .keys import actions_key
from .outputs import Output


def outputs(build: Build):
    for action in build.site.actions:
        for alias in action.front.aliases:
            yield Output(
                urls.alias_save_as(alias),
                template="redirect",
                context={"action": action, "redirect_to": action.url, "page_name": "redirect"},
                key=actions_key([action], build.build_date),
                in_sitemap=False,  # the action's own page is listed
            )

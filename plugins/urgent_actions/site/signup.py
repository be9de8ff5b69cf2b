"""The join page, its thank-you and error pages, and the privacy page.

The forms are sent straight to an external form service (SIGNUP_* settings);
the site itself stores nothing.
"""

from __future__ import annotations

from .. import urls
from ..settings import SIGNUP_INPUT_FIELDS, SIGNUP_REQUIRED
from .build import Build
from .outputs import Output


def formulas(ua):
    """What each offered formula asks: [{key, fields: [(ours, theirs, required)], ...}]."""
    offered = []
    for key in SIGNUP_REQUIRED:
        mapping = ua["SIGNUP_FIELDS"].get(key)
        if not mapping:
            continue
        required = SIGNUP_REQUIRED[key]
        offered.append(
            {
                "key": key,
                "fields": [
                    {"name": name, "service_name": mapping[name], "required": name in required}
                    for name in SIGNUP_INPUT_FIELDS
                    if mapping.get(name)
                ],
                "themes": mapping.get("themes"),
                "regions": mapping.get("regions"),
                "consent": mapping["consent"],
                "hidden": dict(ua["SIGNUP_HIDDEN_FIELDS"].get(key) or {}),
            }
        )
    return offered


def outputs(build: Build):
    ua = build.ua
    addresses = ua["UA_URLS"]
    yield Output(
        urls.save_as(addresses["join"]),
        template="join",
        context={"page_name": "join", "formulas": formulas(ua), "themes": build.site.themes},
        # Settings and themes.yml only, which are in every key: no action changes them.
        key="join",
    )
    yield Output(
        urls.save_as(addresses["thanks"]), template="join-thanks", context={"page_name": "join-thanks"}, key="thanks"
    )
    yield Output(
        urls.save_as(addresses["signup_error"]), template="join-error", context={"page_name": "join-error"}, key="error"
    )
    yield Output(
        urls.save_as(addresses["privacy"]), template="privacy", context={"page_name": "privacy"}, key="privacy"
    )

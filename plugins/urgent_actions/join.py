"""Joining the network: the join page with one small form per formula, the
thank-you and error pages the form service sends visitors back to, and the
privacy page. The forms post straight to the external service
(``SIGNUP_FORM_URL``); the site itself stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .outputs import Output


@dataclass
class Field:
    key: str  # our name for it (its label is in the template, translated)
    name: str  # the service's name for it
    kind: str = "text"  # text, email, tel, checkboxes, checkbox, select
    required: bool = False
    autocomplete: str = ""
    hint: str = ""
    choices: list = field(default_factory=list)
    value: str = ""


@dataclass
class Formula:
    key: str  # email, post or sms (title and description are in the template)
    fields: list[Field]
    hidden: dict[str, str]


def formulas(build) -> list[Formula]:
    ua = build.ua
    names = ua["SIGNUP_FIELDS"]
    themes = list(build.site.themes.items())
    regions = [(region, region) for region in ua["SIGNUP_REGIONS"]]

    def make(key, **kwargs):
        name = names.get(key) or ""
        return Field(key=key, name=name, **kwargs) if name else None

    def preferences():
        return [
            make("themes", kind="checkboxes", choices=themes),
            make("regions", kind="checkboxes", choices=regions),
            make("consent", kind="checkbox", required=True, value=ua["SIGNUP_CONSENT_VALUE"]),
        ]

    specs = [
        ("email", [
            make("email", kind="email", required=True, autocomplete="email"),
        ]),
        ("post", [
            make("first_name", required=True, autocomplete="given-name"),
            make("last_name", required=True, autocomplete="family-name"),
            make("street", required=True, autocomplete="address-line1"),
            make("postcode", required=True, autocomplete="postal-code"),
            make("town", required=True, autocomplete="address-level2"),
            make("country", required=True, autocomplete="country-name"),
        ]),
        ("sms", [
            make("mobile", kind="tel", required=True, autocomplete="tel",
                 hint="international"),
        ]),
    ]
    result = []
    for key, own in specs:
        hidden = {**ua["SIGNUP_HIDDEN_FIELDS"], **ua["SIGNUP_FORMULA_HIDDEN_FIELDS"].get(key, {})}
        redirects = ua["SIGNUP_REDIRECT_FIELDS"]
        if redirects.get("success"):
            hidden[redirects["success"]] = f"{build.absolute_url}/{ua['UA_URLS']['thanks']}"
        if redirects.get("error"):
            hidden[redirects["error"]] = f"{build.absolute_url}/{ua['UA_URLS']['signup_error']}"
        fields = [f for f in [*own, *preferences()] if f is not None]
        result.append(Formula(key, fields, hidden))
    return result


def outputs(build):
    urls = build.ua["UA_URLS"]
    yield Output(urls["join"] + "index.html", template="join",
                 context={"formulas": formulas(build), "page_name": "join"})
    yield Output(urls["thanks"] + "index.html", template="signup-result",
                 context={"result": "thanks", "page_name": "join"})
    yield Output(urls["signup_error"] + "index.html", template="signup-result",
                 context={"result": "error", "page_name": "join"})
    yield Output(urls["privacy"] + "index.html", template="privacy", context={"page_name": "privacy"})

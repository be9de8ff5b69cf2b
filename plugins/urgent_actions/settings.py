"""The plugin's settings: one place for the defaults, each documented beside it.

Users set any of these in pelicanconf.py (or with ``pelican -e``); the plugin
merges them over the defaults into a new dict and never mutates either.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from .content import countries

DEFAULTS: dict[str, Any] = {
    # Language of the interface and of the country names (a Babel locale).
    "UA_LANGUAGE": "fr",
    # Where the site's own pages live, relative to the site root (trailing slash).
    "UA_URLS": {
        "join": "rejoindre/",
        "archive": "archives/",
        "good_news": "bonnes-nouvelles/",
        "countries": "pays/",
        "themes": "themes/",
        "search": "recherche/",
        "privacy": "confidentialite/",
        "history": "rejoindre/#historique",
        "thanks": "rejoindre/merci/",
        "signup_error": "rejoindre/erreur/",
    },
    # The organisation behind the site, shown in the footer and the privacy page.
    "UA_ORGANISATION": {
        "name": "Réseau des actions urgentes",
        "short_name": "Actions urgentes",
        "company_number": "",
        "address": "",
        "email": "",
        "dpo_email": "",
        "website": "",
        # Who built the site, for the footer's credits.
        "credits": "",
        # How long sign-up data is kept after unsubscribing, for the privacy page.
        "retention": "jusqu'à votre désinscription, puis au plus un mois",
        # Who processes sign-ups on the organisation's behalf (the mailing service).
        "processor": "notre prestataire d'envoi de courriels",
    },
    # Build the Pagefind search index at the end of each build (turn it off to
    # save a second on quick previews; the search page then finds nothing).
    "UA_SEARCH": True,
    # Actions per search index shard. Pagefind holds a whole index in memory
    # (about 130 MiB per 1,000 action pages) and cannot update one, so the
    # index is split by publication year into shards of at most this many
    # pages (a single larger year is one shard); the search page merges them,
    # and a build re-indexes only the shards whose pages changed.
    "UA_SEARCH_SHARD_SIZE": 1000,
    # The smallest shards: an archive of fewer than ten times UA_SEARCH_SHARD_SIZE
    # pages has shards of this size, or twice, four times... as many, the
    # smallest that leaves it about ten shards (an edit re-indexes one: smaller
    # is faster; a search reads a part of every shard: fewer is lighter). The
    # steps are rarely crossed, and crossing one re-indexes every shard once.
    "UA_SEARCH_SHARD_SIZE_MIN": 250,
    # A larger shard is indexed by Pagefind in parts of at most this many
    # consecutive pages: an edit re-indexes one part (Pagefind takes about
    # 2 ms of CPU a page), and the merged index is the same bytes.
    "UA_SEARCH_PART_SIZE": 250,
    # Pagefind processes indexing shards at once (each takes about 130 MiB
    # per 1,000 pages and one and a half cores); 1 keeps memory lowest.
    "UA_SEARCH_JOBS": 2,
    # At most this many pages indexed at once, whatever UA_SEARCH_JOBS allows
    # (Pagefind holds about 130 KiB per page): at 10,000 actions, one shard of
    # 1,000 pages at a time beside a build process of 200 to 250 MiB.
    "UA_SEARCH_PAGES_AT_ONCE": 1000,
    # Seconds one Pagefind process may take before the build stops with an
    # error (a shard of 1,000 pages takes about 3 s): a build never hangs.
    "UA_SEARCH_TIMEOUT": 300,
    # Number of actions on one archive page (and outcomes on one good news page).
    "UA_ARCHIVE_PAGE_SIZE": 20,
    # Number of entries in the main feeds.
    "UA_FEED_SIZE": 30,
    # The base of absolute URLs in feeds and metadata when SITEURL is relative
    # (development builds); publishconf.py sets SITEURL and this is not used.
    "UA_DEV_SITEURL": "http://127.0.0.1:8000",
    # Postage of one printed letter (up to 50 g, one sheet in its envelope) posted
    # in Belgium, shown beside each printable letter for the zone of its address
    # (content/countries.py postal_zone: Belgium, Europe, the rest of the world):
    # the price in euros of a non-prior stamp, and the year the prices are for
    # (shown with them). Check the postal operator's prices each January.
    "UA_POSTAGE": {"year": 2026, "belgium": 2.13, "europe": 3.18, "world": 3.93},
    # The network's own country (ISO 3166-1 alpha-2), where its members post
    # their letters: an address written without a country line is in it, as on
    # a domestic envelope, and is posted at the "belgium" (domestic) rate
    # (site/act.py postage_for; an authority's own `country` wins).
    "UA_HOME_COUNTRY": "BE",
    # --- The editions the network sends its members (site/email.py, post.py, sms.py).
    # The email service whose merge tags the email edition carries: "brevo",
    # "mailchimp" or "generic" (placeholders to replace); see EMAIL_PRESETS below.
    "UA_EMAIL_SERVICE": "generic",
    # Merge tags that replace the preset's, by name: "unsubscribe" (the URL of
    # the unsubscribe link), "name" (the member's first name, signs the letter),
    # "greeting" (the first line, with the service's own fallback when no name).
    "UA_EMAIL_MERGE_TAGS": {},
    # Good news get an email edition for this many days after their outcome.
    "UA_EDITIONS_GOOD_NEWS_DAYS": 90,
    # Short addresses (/ua/<number>-<yy>/, site/shortlinks.py) are made for the
    # cases active on or after this day (an action dated, due or with its
    # outcome then), and for every case an SMS alert or QR code links to: those
    # began in 2026, so an older case never needed one. A case keeps its
    # address for good: the rule reads only its files. Set it to the day the
    # network first sent short links, or earlier (ISO date).
    "UA_SHORT_ADDRESSES_SINCE": "2026-01-01",
    # The postal mailing: an action chosen for it (post: true) should leave its
    # readers this many weeks between its date and its deadline (a warning otherwise).
    "UA_POST_MIN_WEEKS": 8,
    # --- Sign-up to the network (join page), handed to an external form service.
    # See docs/inscription-formulaires.md for Brevo, Mailchimp and generic examples.
    # The endpoint the join forms are sent to; empty: the join page says that
    # sign-up is closed and shows no form. `pelican -e SIGNUP_FORM_URL='"https://..."'`.
    "SIGNUP_FORM_URL": "",
    # The HTTP method of the forms ("post" or "get").
    "SIGNUP_FORM_METHOD": "post",
    # Per formula ("email", "post", "sms"): our field -> the name the service
    # expects. Only the fields listed are asked; each formula must list what it
    # needs (email: email; post: last_name, street, postal_code, city; sms: mobile)
    # and consent. Optional fields: first_name, last_name, country, themes, regions.
    # themes and regions are checkboxes sent as repeated values of one name.
    "SIGNUP_FIELDS": {
        "email": {
            "email": "email",
            "first_name": "first_name",
            "themes": "themes",
            "regions": "regions",
            "consent": "consent",
        },
        "post": {
            "first_name": "first_name",
            "last_name": "last_name",
            "street": "street",
            "postal_code": "postal_code",
            "city": "city",
            "country": "country",
            "themes": "themes",
            "regions": "regions",
            "consent": "consent",
        },
        "sms": {
            "mobile": "mobile",
            "first_name": "first_name",
            "themes": "themes",
            "regions": "regions",
            "consent": "consent",
        },
    },
    # The value a ticked consent box sends.
    "SIGNUP_CONSENT_VALUE": "1",
    # Per formula: hidden fields sent as they are (e.g. a list id).
    "SIGNUP_HIDDEN_FIELDS": {
        "email": {"formula": "email"},
        "post": {"formula": "post"},
        "sms": {"formula": "sms"},
    },
    # Name of the honeypot field (a visually hidden text field that people leave
    # empty and robots fill); empty: none.
    "SIGNUP_HONEYPOT": "website",
    # Names of the fields carrying the absolute URLs of our thank-you and error
    # pages, for services that redirect there; empty: not sent (then set the
    # redirect in the service's own form settings).
    "SIGNUP_REDIRECT_FIELDS": {"success": "redirect_success", "error": "redirect_error"},
    # Regions a member can follow (key sent to the service: label shown).
    "SIGNUP_REGIONS": {
        "afrique": "Afrique",
        "ameriques": "Amériques",
        "asie-pacifique": "Asie et Pacifique",
        "europe-asie-centrale": "Europe et Asie centrale",
        "moyen-orient-afrique-du-nord": "Moyen-Orient et Afrique du Nord",
    },
    # Extra files the build must leave in the output directory (e.g. ".git" for
    # a gh-pages checkout); Pelican's OUTPUT_RETENTION is honoured as well.
    "UA_OUTPUT_RETENTION": [],
    # The web editor at /admin/ (Decap CMS, see cms.py): the GitHub repository
    # whose pull requests it opens, and for local use the URL of decap-server
    # (npx decap-server, then true or "http://127.0.0.1:8081/api/v1").
    "UA_CMS": {"backend": "github", "repo": "example/actions-urgentes", "branch": "main", "local_backend": True},
    # Where decap-cms's files are (default: the project's node_modules).
    "UA_CMS_NODE_MODULES": "",
    # Incremental builds (see speed/run.py): reuse what the previous build
    # read and wrote when its inputs did not change. The cache directory is
    # relative to the directory the build runs in; delete it to force a full build.
    "UA_INCREMENTAL": True,
    "UA_CACHE_PATH": ".cache/urgent-actions",
    # From this many action files to read, or pages to render, the build uses
    # every core (forked workers); below, one process is faster.
    "UA_PARALLEL_MIN_FILES": 600,
    # Render pages in forked workers too (from UA_PARALLEL_MIN_FILES pages to
    # render): at 10,000 actions on 2 cores, 37 s in one process, 26 s in two
    # (docs/performance.md). Turn it off on a machine whose memory is short.
    "UA_PARALLEL_RENDER": True,
    # Production output (publishconf.py turns these on; see plugins/urgent_actions/publish/production.py).
    # Rename theme assets (CSS, JS, favicon...) to name.<hash>.ext and rewrite every
    # reference, so that servers can cache them for a year.
    "UA_FINGERPRINT_ASSETS": False,
    # Write name.gz and name.br beside every text file (served by nginx's gzip_static).
    "UA_PRECOMPRESS": False,
    # Where the compressed copies are kept between builds, named by the SHA-256 of
    # the bytes they compress, so that the same bytes are never compressed twice
    # (brotli takes 10 s on the web editor's script); it holds the last build's
    # copies, about the size of the .br and .gz files of the output. Empty:
    # "compressed" under UA_CACHE_PATH. Builds may share it (the tests' builds do).
    "UA_COMPRESSED_CACHE_PATH": "",
    # Write the web server files: _headers and _redirects (Netlify, Cloudflare Pages)
    # and _nginx/security-headers.conf (included by deploy/nginx/site.conf).
    "UA_SERVER_FILES": False,
    # Write _build-manifest.json last: every file with its SHA-256; deploying
    # refuses an output without a valid one.
    "UA_BUILD_MANIFEST": False,
    # Origins the pages may submit forms to, besides the site itself (the CSP's
    # form-action). The origin of SIGNUP_FORM_URL is added automatically.
    "UA_FORM_ORIGINS": [],
    # Where `invoke publish` puts the site (plugins/urgent_actions/publish/deploy.py):
    #   {"method": "gh-pages", "remote": <git URL or path; default: the project's
    #    "origin">, "branch": "gh-pages", "cname": <domain or "">, "message": <str>}
    #   {"method": "rsync", "target": "user@host:/srv/actions-urgentes/site/",
    #    "ssh": "ssh -p 22" or "", "reload": <shell command run after, or "">}
    #   {"method": "none"}: build only.
    "UA_DEPLOY": {"method": "none"},
}

# The merge tags of the email services the join page documents
# (docs/inscription-formulaires.md); UA_EMAIL_SERVICE picks one, and
# UA_EMAIL_MERGE_TAGS overrides any of its tags. Templates only see the result.
EMAIL_PRESETS: dict[str, dict[str, str]] = {
    # Brevo's template language; PRENOM is the contact attribute of the join form.
    "brevo": {
        "unsubscribe": "{{ unsubscribe }}",
        "name": "{{ contact.PRENOM }}",
        "greeting": "{% if contact.PRENOM %}Bonjour {{ contact.PRENOM }},{% else %}Bonjour,{% endif %}",
    },
    # Mailchimp's merge tags (FNAME is the audience's first-name field).
    "mailchimp": {
        "unsubscribe": "*|UNSUB|*",
        "name": "*|FNAME|*",
        "greeting": "*|IF:FNAME|*Bonjour *|FNAME|*,*|ELSE:|*Bonjour,*|END:IF|*",
    },
    # Any other service: placeholders to replace with its own tags.
    "generic": {"unsubscribe": "{{unsubscribe_url}}", "name": "{{first_name}}", "greeting": "Bonjour,"},
}


def email_merge_tags(resolved: dict[str, Any]) -> dict[str, str]:
    """The merge tags of the email edition: the service's preset, overridden by UA_EMAIL_MERGE_TAGS."""
    preset = EMAIL_PRESETS.get(resolved["UA_EMAIL_SERVICE"], EMAIL_PRESETS["generic"])
    return {**preset, **resolved["UA_EMAIL_MERGE_TAGS"]}


# The fields a join form may ask, in the order it asks them: one text input
# each (their labels and input attributes are in theme/templates/join.html,
# which tests/test_signup_settings.py checks against this list).
SIGNUP_INPUT_FIELDS = ("email", "mobile", "first_name", "last_name", "street", "postal_code", "city", "country")
# What each formula cannot do without (see SIGNUP_FIELDS), the formulas in the
# order the join page offers them.
SIGNUP_REQUIRED = {
    "email": ["email", "consent"],
    "post": ["last_name", "street", "postal_code", "city", "consent"],
    "sms": ["mobile", "consent"],
}
# Every field SIGNUP_FIELDS may name: the inputs, two lists of checkboxes, and the consent box.
SIGNUP_KNOWN_FIELDS = {*SIGNUP_INPUT_FIELDS, "themes", "regions", "consent"}


def resolve(pelican_settings: dict) -> dict[str, Any]:
    """The effective plugin settings: defaults overlaid with the user's values."""
    resolved = copy.deepcopy(DEFAULTS)
    for key, default in DEFAULTS.items():
        if key not in pelican_settings:
            continue
        value = pelican_settings[key]
        if isinstance(default, dict) and isinstance(value, dict):
            resolved[key] = {**default, **value}
        else:
            resolved[key] = value
    return resolved


def check(resolved: dict[str, Any]) -> list[str]:
    """Every problem in the plugin's settings, as sentences (empty when fine)."""
    problems = []
    for key, value in resolved["UA_URLS"].items():
        if not isinstance(value, str) or value.startswith("/"):
            problems.append(f"UA_URLS['{key}'] must be a path relative to the site root")
    problems.extend(check_signup(resolved))
    problems.extend(check_postage(resolved["UA_POSTAGE"]))
    if resolved["UA_HOME_COUNTRY"] not in countries.known_codes():
        problems.append("UA_HOME_COUNTRY must be an ISO 3166-1 alpha-2 code in upper case, e.g. BE")
    problems.extend(check_editions(resolved))
    keys = (
        "UA_ARCHIVE_PAGE_SIZE",
        "UA_SEARCH_SHARD_SIZE",
        "UA_SEARCH_SHARD_SIZE_MIN",
        "UA_SEARCH_PART_SIZE",
        "UA_SEARCH_JOBS",
        "UA_SEARCH_PAGES_AT_ONCE",
        "UA_SEARCH_TIMEOUT",
    )
    for key in keys:
        value = resolved[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"{key} must be a positive whole number")
    return problems


POSTAL_ZONES = ("belgium", "europe", "world")


def check_postage(postage: Any) -> list[str]:
    """Problems in UA_POSTAGE."""
    if not isinstance(postage, dict):
        return ["UA_POSTAGE must map 'year' and each zone (belgium, europe, world) to a value"]
    problems = []
    year = postage.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        problems.append("UA_POSTAGE['year'] must be the year the prices are for, e.g. 2026")
    for zone in POSTAL_ZONES:
        price = postage.get(zone)
        if not isinstance(price, (int, float)) or isinstance(price, bool) or price <= 0:
            problems.append(f"UA_POSTAGE['{zone}'] must be a price in euros, e.g. 2.13")
    for key in sorted(set(postage) - {"year", *POSTAL_ZONES}):
        problems.append(f"UA_POSTAGE: unknown key '{key}' (known: year, {', '.join(POSTAL_ZONES)})")
    return problems


def check_editions(resolved: dict[str, Any]) -> list[str]:
    """Problems in the settings of the editions (email, post)."""
    problems = []
    if resolved["UA_EMAIL_SERVICE"] not in EMAIL_PRESETS:
        problems.append(f"UA_EMAIL_SERVICE must be one of {', '.join(sorted(EMAIL_PRESETS))}")
    tags = resolved["UA_EMAIL_MERGE_TAGS"]
    if not isinstance(tags, dict) or set(tags) - {"unsubscribe", "name", "greeting"}:
        problems.append("UA_EMAIL_MERGE_TAGS may only set 'unsubscribe', 'name' and 'greeting'")
    for key in ("UA_POST_MIN_WEEKS", "UA_EDITIONS_GOOD_NEWS_DAYS"):
        value = resolved[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"{key} must be a whole number")
    if short_addresses_since(resolved) is None:
        problems.append("UA_SHORT_ADDRESSES_SINCE must be a date written YYYY-MM-DD, e.g. '2026-01-01'")
    return problems


def short_addresses_since(resolved: dict[str, Any]) -> dt.date | None:
    """UA_SHORT_ADDRESSES_SINCE as a date (a string or a date), or None when it is neither."""
    value = resolved["UA_SHORT_ADDRESSES_SINCE"]
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def check_signup(resolved: dict[str, Any]) -> list[str]:
    """Problems in the SIGNUP_* settings."""
    problems = []
    url = resolved["SIGNUP_FORM_URL"]
    if not isinstance(url, str) or (url and not url.startswith(("https://", "http://"))):
        problems.append("SIGNUP_FORM_URL must be an http(s) URL (or empty to close sign-up)")
    if str(resolved["SIGNUP_FORM_METHOD"]).lower() not in {"post", "get"}:
        problems.append("SIGNUP_FORM_METHOD must be 'post' or 'get'")
    fields = resolved["SIGNUP_FIELDS"]
    for formula, required in SIGNUP_REQUIRED.items():
        mapping = fields.get(formula) if isinstance(fields, dict) else None
        if not mapping:
            continue  # a formula set to None or {} is not offered
        if not isinstance(mapping, dict):
            problems.append(f"SIGNUP_FIELDS['{formula}'] must map our field names to the service's")
            continue
        for name in sorted(set(mapping) - SIGNUP_KNOWN_FIELDS):
            problems.append(
                f"SIGNUP_FIELDS['{formula}']: unknown field '{name}' (known: {', '.join(sorted(SIGNUP_KNOWN_FIELDS))})"
            )
        for name in required:
            if not mapping.get(name):
                problems.append(f"SIGNUP_FIELDS['{formula}'] must name the service's field for '{name}'")
    return problems

"""Pelican settings for development builds (``invoke build``, ``invoke serve``).

Settings of the urgent-actions plugin (``UA_*``) are documented with their
defaults in plugins/urgent_actions/settings.py.
"""

AUTHOR = "Réseau des actions urgentes"
SITENAME = "Actions urgentes"
SITEURL = ""
DEFAULT_LANG = "fr"
TIMEZONE = "Europe/Brussels"
LOCALE = ("C.UTF-8",)

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["urgent_actions"]

# Actions are read by our own generator (content/actions/); Pelican only
# reads the Markdown pages of content/pages/ and copies the images.
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = []
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAGS_SAVE_AS = ""
TAG_SAVE_AS = ""
ARTICLE_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
# Feeds are written by the plugin (feeds/*), not by Pelican.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Text written by people is escaped unless a template says otherwise.
JINJA_ENVIRONMENT = {
    "autoescape": True,
    "extensions": ["jinja2.ext.i18n", "jinja2.ext.do"],
    "trim_blocks": True,
    "lstrip_blocks": True,
}

RELATIVE_URLS = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

UA_LANGUAGE = "fr"
UA_ORGANISATION = {
    "name": "Réseau des actions urgentes (exemple)",
    "short_name": "Actions urgentes",
    "company_number": "0000.000.000",
    "address": "Rue de l'Exemple 1, 1000 Bruxelles",
    "email": "actions@example.org",
    "dpo_email": "vie-privee@example.org",
    "website": "https://www.example.org/",
    "credits": "site réalisé par l'équipe bénévole du réseau (exemple)",
}

# Sign-up forms post to the mailing service's endpoint (see
# docs/inscription-formulaires.md for Brevo and Mailchimp settings). This one is
# a placeholder: nothing is loaded from it before a visitor submits.
SIGNUP_FORM_URL = "https://inscription.example.org/subscribe"

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
# reads the Markdown pages of content/pages/. It copies nothing: the photos an
# editor uploads may carry a GPS position, and are published only as the
# plugin's copies without metadata (plugins/urgent_actions/site/photos.py).
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS = []
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
    # Each build makes a new environment (so does `pelican --autoreload`), so
    # templates cannot change during one: do not stat them at every include.
    "auto_reload": False,
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
    "credits": "site réalisé par une équipe bénévole (exemple)",
}

# Sign-up to the network: the join page's forms go straight to an external
# form service (documented in plugins/urgent_actions/settings.py and
# docs/inscription-formulaires.md). Point a build elsewhere with
#   pelican -e SIGNUP_FORM_URL='"https://..."'
SIGNUP_FORM_URL = "https://inscription.example.org/subscribe"
# The generic service (the defaults): our own field names, redirect fields.
# SIGNUP_FORM_METHOD = "post"
# SIGNUP_HONEYPOT = "website"
# SIGNUP_REDIRECT_FIELDS = {"success": "redirect_success", "error": "redirect_error"}
#
# Brevo embedded form (one Brevo form per formula is easiest; the URL below is
# the form's "action"; the thank-you/error pages are set in Brevo's form settings):
# SIGNUP_FORM_URL = "https://XXXX.sibforms.com/serve/MUIFA..."
# SIGNUP_FIELDS = {
#     "email": {"email": "EMAIL", "first_name": "PRENOM", "themes": "THEMES[]", "consent": "OPT_IN"},
#     "post": {"first_name": "PRENOM", "last_name": "NOM", "street": "ADRESSE",
#              "postal_code": "CODE_POSTAL", "city": "VILLE", "consent": "OPT_IN"},
#     "sms": {"mobile": "SMS", "first_name": "PRENOM", "consent": "OPT_IN"},
# }
# SIGNUP_CONSENT_VALUE = "1"
# SIGNUP_HIDDEN_FIELDS = {f: {"locale": "fr", "html_type": "simple"} for f in ("email", "post", "sms")}
# SIGNUP_HONEYPOT = "email_address_check"
# SIGNUP_REDIRECT_FIELDS = {}
#
# Mailchimp embedded form (audience "Signup forms > Embedded forms"):
# SIGNUP_FORM_URL = "https://EXAMPLE.us1.list-manage.com/subscribe/post?u=UUUU&id=LLLL"
# SIGNUP_FIELDS = {
#     "email": {"email": "EMAIL", "first_name": "FNAME", "consent": "gdpr[1234]"},
#     "post": {"email": "EMAIL", "first_name": "FNAME", "last_name": "LNAME",
#              "street": "ADDRESS[addr1]", "postal_code": "ADDRESS[zip]",
#              "city": "ADDRESS[city]", "country": "ADDRESS[country]", "consent": "gdpr[1234]"},
#     "sms": {"mobile": "SMSPHONE", "first_name": "FNAME", "consent": "gdpr[1234]"},
# }
# SIGNUP_CONSENT_VALUE = "Y"
# SIGNUP_HIDDEN_FIELDS = {"email": {"tags": "111"}, "post": {"tags": "222"}, "sms": {"tags": "333"}}
# SIGNUP_HONEYPOT = "b_UUUU_LLLL"
# SIGNUP_REDIRECT_FIELDS = {}

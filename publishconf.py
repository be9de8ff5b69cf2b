"""Production settings: pelicanconf.py plus absolute URLs and publishing choices."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("SITEURL", "https://actions.example.org")
RELATIVE_URLS = False

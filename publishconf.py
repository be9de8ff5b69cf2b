"""Production settings: pelicanconf.py plus absolute URLs and publishing choices."""

import json
import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

# The site's address. The example's builds and tests, but `invoke publish`
# refuses to deploy it: set SITEURL in the environment or here.
SITEURL = os.environ.get("SITEURL", "https://actions.example.org")
RELATIVE_URLS = False

# Production output (see plugins/urgent_actions/publish/production.py): fingerprinted
# theme assets, .gz/.br copies, server headers files, and the build manifest
# that `invoke publish` checks before deploying.
UA_FINGERPRINT_ASSETS = True
UA_PRECOMPRESS = True
UA_SERVER_FILES = True
UA_BUILD_MANIFEST = True
# Compressed copies kept between builds (default: under UA_CACHE_PATH); a
# directory shared by several checkouts or CI runs may be given in the environment.
if os.environ.get("UA_COMPRESSED_CACHE_PATH"):
    UA_COMPRESSED_CACHE_PATH = os.environ["UA_COMPRESSED_CACHE_PATH"]

# Where `invoke publish` deploys (documented in plugins/urgent_actions/settings.py):
# nowhere until it is said here or in the environment, as JSON
# (UA_DEPLOY='{"method": "gh-pages"}'); `invoke publish` refuses to guess.
# A gh-pages branch of the project's "origin" remote, or a server over rsync:
#   UA_DEPLOY = {"method": "gh-pages", "branch": "gh-pages"}
#   UA_DEPLOY = {"method": "rsync", "target": "deploy@www.example.org:/srv/actions-urgentes/site/",
#                "reload": "ssh deploy@www.example.org sudo systemctl reload nginx"}
if os.environ.get("UA_DEPLOY"):
    UA_DEPLOY = json.loads(os.environ["UA_DEPLOY"])

# The web editor opens pull requests on GitHub; no local decap-server in production.
UA_CMS = {"backend": "github", "repo": "example/actions-urgentes", "branch": "main", "local_backend": False}

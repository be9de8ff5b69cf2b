"""Build small real sites for tests: content written by the test, Pelican run for real."""

from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# 2026-11-24 12:00 in Brussels: the fixed build date of the tests.
BUILD_EPOCH = str(int(dt.datetime(2026, 11, 24, 11, 0, tzinfo=dt.UTC).timestamp()))
BUILD_DATE = dt.date(2026, 11, 24)
# Where the builds the tests start keep their compiled bytecode (set by tests/conftest.py).
BYTECODE: Path | None = None

THEMES = {
    "detention-arbitraire": "Détention arbitraire",
    "defenseurs-des-droits": "Défenseurs des droits humains",
    "torture": "Torture",
}

AUTHORITY = {
    "name": "Procureur général (exemple)",
    "salutation": "Monsieur le Procureur général,",
    "address": "Bureau du procureur\n1 place de l'Exemple\nLe Caire\nÉGYPTE\n",
    "email": "procureur@example.org",
}

VALID_ACTION = {
    "title": "Égypte : un chercheur détenu sans jugement",
    "case": "UA 045/26",
    "update": 0,
    "date": "2026-11-12",
    "deadline": "2026-12-24",
    "state": "open",
    "country": "EG",
    "themes": ["detention-arbitraire"],
    "people": ["Karim Example"],
    "summary": "Karim Example, chercheur, est détenu sans jugement depuis 400 jours.",
    "targets": [
        {
            "name": "Ministre de la Justice",
            "role": "Ministre",
            "salutation": "Monsieur le Ministre,",
            "address": "Ministère de la Justice\n1 rue de l'Exemple\nLe Caire\nÉGYPTE\n",
            "email": "ministre@justice.example.org",
            "twitter": "@MinJusticeExample",
            "sms": "+20 100 000 0000",
        },
        {"ref": "eg-procureur-general"},
    ],
    "letters": [
        {
            "language": "fr",
            "subject": "Libérez Karim Example",
            "body": "Je vous écris au sujet de Karim Example.\n\nJe vous demande de le libérer.\n",
            "closing": "Veuillez agréer, Monsieur le Ministre, l'expression de ma haute considération.",
        }
    ],
    "sms": "Liberez Karim Example, detenu sans jugement. #UA04526",
    "tweet": "Libérez Karim Example, détenu sans jugement depuis 400 jours !",
}

BODY = "Karim Example a été arrêté le 8 octobre 2025.\n\n## Complément d'information\n\nDétails.\n"


def action(**changes) -> dict:
    """A valid action's front matter with some keys changed (None removes a key)."""
    return changed(VALID_ACTION, **changes)


def changed(mapping: dict, **changes) -> dict:
    """A deep copy of ``mapping`` with some keys changed (None removes a key)."""
    data = copy.deepcopy(mapping)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def dump_front(front: dict, body: str = BODY) -> str:
    text = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{text}---\n{body}"


def make_content(root: Path, actions: dict[str, dict | str] | None = None) -> Path:
    """Write content/ under ``root``: themes, one authority, and the given actions.

    ``actions`` maps a file name (without .md) to front matter (dict) or raw text.
    """
    content = root / "content"
    (content / "actions").mkdir(parents=True, exist_ok=True)
    (content / "authorities").mkdir(exist_ok=True)
    (content / "themes.yml").write_text(yaml.safe_dump(THEMES, allow_unicode=True), "utf-8")
    (content / "authorities" / "eg-procureur-general.yml").write_text(
        yaml.safe_dump(AUTHORITY, allow_unicode=True), "utf-8"
    )
    for name, front in (actions if actions is not None else {"egypte-chercheur": VALID_ACTION}).items():
        text = front if isinstance(front, str) else dump_front(front)
        (content / "actions" / f"{name}.md").write_text(text, "utf-8")
    return content


def with_bytecode(env: dict[str, str]) -> dict[str, str]:
    """``env`` for a Python process that runs this checkout's code: with
    PYTHONDONTWRITEBYTECODE set (it is on the project's machines), each build
    compiled the plugin's sources again (0.1 s of CPU); its bytecode is kept under
    PYTHONPYCACHEPREFIX instead, beside pytest's temporary directories, never beside
    the sources. Python checks each file against its source's size and time."""
    if BYTECODE is None or not env.get("PYTHONDONTWRITEBYTECODE") or env.get("PYTHONPYCACHEPREFIX"):
        return env
    env = {**env, "PYTHONPYCACHEPREFIX": str(BYTECODE)}
    del env["PYTHONDONTWRITEBYTECODE"]
    return env


def run_pelican(
    cwd: Path,
    content: Path,
    output: Path,
    *,
    settings: str = "pelicanconf.py",
    extra_env=None,
    extra_args=(),
    overrides: dict | None = None,
) -> subprocess.CompletedProcess:
    """Run the real build command from ``cwd`` with the project's settings.

    ``overrides`` are settings given on the command line; they all go into one
    ``-e`` option, because Pelican keeps only the last ``-e`` it is given.
    """
    import json

    pairs = {"PATH": str(content), **(overrides or {})}
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "COLUMNS": "200"}
    env = with_bytecode({**env, **(extra_env or {})})
    command = [
        sys.executable,
        "-m",
        "pelican",
        "-s",
        str(ROOT / settings),
        "-e",
        *(f"{key}={json.dumps(value)}" for key, value in pairs.items()),
        "-o",
        str(output),
        "--fatal",
        "warnings",
        *extra_args,
    ]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def three_years(tmp_path: Path):
    """Actions of 2024, 2025 and 2026, one search shard a year: content, output, settings."""
    closed = {"state": "closed", "deadline": None}
    actions = {
        f"y{year}": action(case=f"UA {n}/{year % 100}", date=f"{year}-03-01", **closed)
        for n, year in enumerate((2024, 2025), start=1)
    }
    content = make_content(tmp_path, {**actions, "y2026": action(case="UA 2/26")})
    return content, tmp_path / "output", {"UA_SEARCH_SHARD_SIZE": 1}


def problems_for(tmp_path, monkeypatch, files) -> list[str]:
    """The problems reading ``files`` (as :func:`make_content` writes them) reports."""
    import pytest

    from urgent_actions.content.errors import ContentError
    from urgent_actions.content.loading import load_site

    monkeypatch.chdir(tmp_path)
    content = make_content(tmp_path, files)
    with pytest.raises(ContentError) as caught:
        load_site(str(content))
    return [str(p) for p in caught.value.problems]


def is_email_edition(path: Path) -> bool:
    """Whether ``path`` is an email edition (envois/<slug>/courriel.html): made for
    mail clients, with the service's merge tags where URLs go, and checked by
    tests/test_email_edition.py rather than as a web page."""
    return path.name == "courriel.html" and path.parent.parent.name == "envois"


def web_pages(root: Path) -> list[Path]:
    """Every HTML page of a built site, email editions left out."""
    return sorted(p for p in root.rglob("*.html") if not is_email_edition(p))


def dict_keys_set_in_template(path: Path, name: str) -> list:
    """The keys, in order, of the dict literal that ``{% set name = {...} %}`` gives
    in the template at ``path`` (read with Jinja's parser, as the build reads it)."""
    from jinja2 import Environment, nodes

    from urgent_actions.render.template_cache import CachedIncludeExtension

    env = Environment(extensions=["jinja2.ext.i18n", "jinja2.ext.do", CachedIncludeExtension])
    for node in env.parse(path.read_text("utf-8")).find_all(nodes.Assign):
        if isinstance(node.target, nodes.Name) and node.target.name == name:
            return [pair.key.value for pair in node.node.items]
    raise AssertionError(f"{path.name} sets no {name}")

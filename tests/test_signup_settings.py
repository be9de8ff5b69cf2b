"""The SIGNUP_* settings are checked before anything is built."""

from helpers import ROOT, dict_keys_set_in_template
from urgent_actions.settings import DEFAULTS, SIGNUP_INPUT_FIELDS, SIGNUP_KNOWN_FIELDS, SIGNUP_REQUIRED, check, resolve


def test_defaults_are_valid():
    assert check(resolve({})) == []


def test_every_signup_problem_is_named():
    problems = check(
        resolve(
            {
                "SIGNUP_FORM_URL": "ftp://example.org/x",
                "SIGNUP_FORM_METHOD": "put",
                "SIGNUP_FIELDS": {
                    "email": {"mail": "EMAIL", "consent": "OK"},
                    "sms": {"mobile": "SMS"},
                },
            }
        )
    )
    text = "\n".join(problems)
    assert "SIGNUP_FORM_URL" in text
    assert "SIGNUP_FORM_METHOD" in text
    assert "unknown field 'mail'" in text
    assert "SIGNUP_FIELDS['email'] must name the service's field for 'email'" in text
    assert "SIGNUP_FIELDS['sms'] must name the service's field for 'consent'" in text
    assert len(problems) == 5


def test_defaults_offer_three_formulas():
    assert set(DEFAULTS["SIGNUP_FIELDS"]) == {"email", "post", "sms"}


def test_without_a_form_service_the_join_page_says_sign_up_is_closed(tmp_path):
    from helpers import ROOT, run_pelican

    out = tmp_path / "out"
    result = run_pelican(ROOT, ROOT / "content", out, overrides={"SIGNUP_FORM_URL": ""})
    assert result.returncode == 0, result.stdout + result.stderr
    html = (out / "rejoindre" / "index.html").read_text()
    assert "<form" not in html
    assert "ne sont pas ouvertes" in html
    assert 'id="historique"' in html


def test_a_broken_signup_setting_stops_the_build_and_names_it(tmp_path):
    from helpers import ROOT, run_pelican

    result = run_pelican(
        ROOT, ROOT / "content", tmp_path / "out", overrides={"SIGNUP_FIELDS": {"sms": {"mobile": "SMS"}}}
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "  SIGNUP_FIELDS['sms'] must name the service's field for 'consent'" in result.stderr.splitlines()
    assert "Traceback" not in output


def test_a_formula_set_to_none_is_not_offered():
    from urgent_actions.site.signup import formulas

    ua = resolve({"SIGNUP_FIELDS": {"post": None, "sms": {}}})
    assert check(ua) == []
    assert [f["key"] for f in formulas(ua)] == ["email"]


def test_sizes_and_job_counts_must_be_positive_whole_numbers():
    for key in (
        "UA_ARCHIVE_PAGE_SIZE",
        "UA_SEARCH_SHARD_SIZE",
        "UA_SEARCH_SHARD_SIZE_MIN",
        "UA_SEARCH_PART_SIZE",
        "UA_SEARCH_JOBS",
        "UA_SEARCH_PAGES_AT_ONCE",
    ):
        for bad in (0, -1, 2.5, "3", True):
            assert check(resolve({key: bad})) == [f"{key} must be a positive whole number"], (key, bad)
        assert check(resolve({key: 3})) == []


def test_the_join_page_has_a_label_and_an_input_for_each_field_in_the_settings_order():
    join = ROOT / "theme/templates/join.html"
    assert dict_keys_set_in_template(join, "labels") == list(SIGNUP_INPUT_FIELDS)
    assert dict_keys_set_in_template(join, "inputs") == list(SIGNUP_INPUT_FIELDS)


def test_the_signup_guide_names_every_field_and_what_each_formula_requires():
    row = next(
        line
        for line in (ROOT / "docs/inscription-formulaires.md").read_text("utf-8").splitlines()
        if line.startswith("| `SIGNUP_FIELDS` |")
    )
    assert all(f"`{name}`" in row for name in SIGNUP_KNOWN_FIELDS), row
    for formula, required in SIGNUP_REQUIRED.items():
        named = [name for name in required if name != "consent"]
        assert f"{formula} → " + ", ".join(f"`{name}`" for name in named) in row, formula
    assert "all → `consent`" in row

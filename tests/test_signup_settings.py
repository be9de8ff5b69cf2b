"""The SIGNUP_* settings are checked before anything is built."""

from urgent_actions.settings import DEFAULTS, check, resolve


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

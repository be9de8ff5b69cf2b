"""URL builders: exact expected URLs, and any text survives a round trip."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from urgent_actions.content.letters import ComposedLetter, paragraphs
from urgent_actions.site import links


def test_mailto_follows_rfc_6068():
    url = links.mailto_url(
        ["ministre@example.org", "cabinet@example.org"],
        cc=["ambassade@example.org"],
        subject="Libérez Karim & Co ?",
        body="Monsieur,\n\n100% #solidaire + «merci» 'oui' \"non\"",
    )
    assert url == (
        "mailto:ministre@example.org,cabinet@example.org"
        "?cc=ambassade@example.org"
        "&subject=Lib%C3%A9rez%20Karim%20%26%20Co%20%3F"
        "&body=Monsieur%2C%0D%0A%0D%0A100%25%20%23solidaire%20%2B%20%C2%ABmerci%C2%BB%20"
        "%27oui%27%20%22non%22"
    )


def test_mailto_has_no_empty_field():
    assert links.mailto_url(["a@example.org"]) == "mailto:a@example.org"
    assert links.mailto_url(["a@example.org"], cc=[], subject="", body="x") == "mailto:a@example.org?body=x"


def test_mailto_with_emoji_and_arabic():
    url = links.mailto_url(["a@example.org"], subject="✊🏽", body="نور")
    assert url == "mailto:a@example.org?subject=%E2%9C%8A%F0%9F%8F%BD&body=%D9%86%D9%88%D8%B1"


def test_sms_url_works_on_ios_and_android():
    assert links.sms_url("+20 100 000 0000", "Libérez-le & vite #UA") == (
        "sms:+201000000000?&body=Lib%C3%A9rez-le%20%26%20vite%20%23UA"
    )
    assert links.sms_url("+32 470 00 00 00") == "sms:+32470000000"


def test_tweet_intent():
    assert links.tweet_intent_url("@Min Libérez-le ! https://example.org/a?b=1") == (
        "https://x.com/intent/post?text=%40Min%20Lib%C3%A9rez-le%20%21%20https%3A%2F%2Fexample.org%2Fa%3Fb%3D1"
    )


def test_webmail_compose_links():
    assert links.gmail_compose_url(["a@example.org"], subject="S", body="B\nC") == (
        "https://mail.google.com/mail/?view=cm&fs=1&to=a%40example.org&su=S&body=B%0D%0AC"
    )
    assert links.outlook_compose_url(["a@example.org"], cc=["c@example.org"], subject="S") == (
        "https://outlook.live.com/mail/0/deeplink/compose?to=a%40example.org&cc=c%40example.org&subject=S"
    )


def test_a_long_letter_is_flagged_above_the_limit():
    body = "Je vous écris. " * 200
    url = links.mailto_url(["a@example.org"], subject="S", body=body)
    assert len(url) > links.MAILTO_LENGTH_LIMIT


def compose_letter(*, salutation, body, closing, name="", town="", language="fr") -> str:
    """A letter's full text from its parts, as the copy buttons and links sign it."""
    letter = ComposedLetter(language, "", salutation, tuple(paragraphs(body)), closing)
    return letter.signed(name, town)


def test_composed_letter_matches_the_content_model():
    assert compose_letter(
        salutation="Madame la Ministre,",
        body="Premier paragraphe\nsur deux lignes.\n\n\nSecond.\n",
        closing="Cordialement,",
        name="Ana Exemple",
        town="Liège",
    ) == (
        "Madame la Ministre,\n\nPremier paragraphe\nsur deux lignes.\n\nSecond.\n\nCordialement,\n\nAna Exemple\nLiège"
    )
    # Unsigned: a line to sign, in the letter's language.
    assert compose_letter(salutation="M,", body="B", closing="C") == "M,\n\nB\n\nC\n\n[Votre nom]"
    assert compose_letter(salutation="Sir,", body="B", closing="C", language="en") == "Sir,\n\nB\n\nC\n\n[Your name]"


any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)


@settings(max_examples=300, deadline=None)
@given(subject=any_text, body=any_text)
def test_any_text_survives_a_mailto_round_trip(subject, body):
    url = links.mailto_url(["a@example.org"], subject=subject, body=body)
    query = urlsplit(url).query
    fields = dict(part.split("=", 1) for part in query.split("&")) if query else {}
    crlf = lambda text: text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert unquote(fields.get("subject", ""), errors="strict") == crlf(subject)
    assert unquote(fields.get("body", ""), errors="strict") == crlf(body)
    assert " " not in url and "+" not in query.replace("%2B", "")


@settings(max_examples=300, deadline=None)
@given(text=any_text)
def test_any_text_survives_sms_and_intent_round_trips(text):
    crlf = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    sms = links.sms_url("+32 2 000 00 00", text)
    assert unquote(sms.partition("?&body=")[2]) == crlf
    intent = links.tweet_intent_url(text)
    assert parse_qs(urlsplit(intent).query, keep_blank_values=True).get("text", [""])[0] == text

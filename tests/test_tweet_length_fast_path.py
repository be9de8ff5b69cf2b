"""The quick count of tweet lengths agrees with twitter-text everywhere it is used."""

from __future__ import annotations

import random

from twitter_text import parse_tweet

from urgent_actions.content import textlimits

ALPHABET = "aZé9 #@!,;.:/-_'’«»—…©®œ€\n" + "ñçÀ" + "\u0301\u2019\u2032" + "😀中"


def test_fast_path_agrees_with_twitter_text_on_random_texts():
    rng = random.Random(8)
    used_fast = 0
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        if textlimits.WEIGHT_ONE.fullmatch(text) and not textlimits.MAYBE_URL.search(text):
            used_fast += 1
        assert textlimits.tweet_length(text) == parse_tweet(text).weightedLength, repr(text)
    assert used_fast > 100  # the quick path was exercised, not only the fallback


def test_urls_and_emoji_still_counted_by_twitter_text():
    assert textlimits.tweet_length("Voir example.org") == parse_tweet("Voir example.org").weightedLength
    assert textlimits.tweet_length("Voir example.org") != len("Voir example.org")
    assert textlimits.tweet_length("Libérez-le ©") == len("Libérez-le ©") + 1

"""What a reader needs to act on one target: composed letters and ready links.

Computed once per action in Python, so that the page (without JavaScript),
the printed letter and the feeds all carry the same text; ``act.js`` only
appends the reader's name and town, with the same encoding as ``links.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import urls
from ..content import countries, textlimits
from ..content.letters import ComposedLetter, compose
from . import links


@dataclass(frozen=True)
class Postage:
    """What posting a printed letter to one address takes, from Belgium."""

    country: str  # of the address
    zone: str  # 'belgium', 'europe' or 'world'
    via_embassy: bool  # an address in Belgium for an authority abroad


def postage_for(authority, action_country: str, home: str) -> Postage:
    """The postage of a letter to ``authority``'s address, posted in ``home`` (the
    network's country, ``UA_HOME_COUNTRY``): the one decision that the action
    page, the print page, its copies and the postal PDF show. The address is in
    the authority's ``country`` when given, else in the country its last line
    names, else (an address written without a country line) in ``home``."""
    country = authority.country or countries.address_country(authority.address_lines, action_country) or home
    return Postage(
        country=country,
        zone=countries.postal_zone(country, home),
        via_embassy=country == home and action_country != home,
    )


@dataclass(frozen=True)
class PrintedCopy:
    """The printable copy of one letter for one "copies to" authority."""

    index: int  # 1-based, among the action's copies
    authority: object
    url: str
    postage: Postage


@dataclass
class LetterWay:
    """One target x one letter language."""

    letter: ComposedLetter  # to this target, in this language
    text: str  # letter.text: the composed letter, with the line to sign
    mailto: str | None = None  # None when there is no email, or when too long
    mailto_too_long: bool = False
    mailto_subject_only: str | None = None  # offered instead when the full URL is too long
    mailto_length: int = 0
    mailto_prefix: str = ""  # "mailto:to" (+ "?cc=…"), for act.js to rebuild the URL
    gmail_prefix: str = ""
    outlook_prefix: str = ""
    gmail: str | None = None
    outlook: str | None = None
    print_url: str | None = None  # the printable letter, for targets with an address
    postage: Postage | None = None  # of the printable letter
    copies: list[PrintedCopy] = field(default_factory=list)  # printable copies of it

    @property
    def unsigned_text(self) -> str:
        return self.letter.unsigned_text

    @property
    def language(self) -> str:
        return self.letter.language

    @property
    def subject(self) -> str:
        return self.letter.subject

    @property
    def plain_subject(self) -> str:
        """The subject as links carry it (see ComposedLetter.plain_subject)."""
        return self.letter.plain_subject


@dataclass
class TargetWays:
    index: int
    authority: object
    letters: list[LetterWay] = field(default_factory=list)
    sms_url: str | None = None
    tweet_url: str | None = None
    tweet_text: str | None = None
    postage: Postage | None = None  # for targets with an address


def archived_ways(action) -> list[TargetWays]:
    """The targets of an action that no longer offers ways to act (closed, or good
    news): its page shows them as an archive, so each has its ``index`` and
    ``authority`` only, without composed letters nor links."""
    return [TargetWays(index=index, authority=target) for index, target in enumerate(action.front.targets, start=1)]


def ways_for(action, home: str) -> list[TargetWays]:
    """Every way to act on every target of ``action``, in order; postage from ``home``
    (``UA_HOME_COUNTRY``)."""
    front = action.front
    cc = [address for copy in front.copies for address in copy.emails]
    first_language = front.letters[0].language if front.letters else None
    result = []
    for index, target in enumerate(front.targets, start=1):
        ways = TargetWays(index=index, authority=target)
        if target.address:
            ways.postage = postage_for(target, front.country, home)
        for letter in front.letters:
            composed = compose(letter, target.salutation, first_language)
            text = composed.text
            subject = composed.plain_subject
            way = LetterWay(letter=composed, text=text)
            if target.emails:
                mailto = links.mailto_url(target.emails, cc=cc, subject=subject, body=text)
                way.mailto_length = len(mailto)
                way.mailto_too_long = way.mailto_length > links.MAILTO_LENGTH_LIMIT
                way.mailto = None if way.mailto_too_long else mailto
                if way.mailto_too_long:
                    way.mailto_subject_only = links.mailto_url(target.emails, cc=cc, subject=subject)
                head = links.mailto_url(target.emails, cc=cc)
                way.mailto_prefix = head
                way.gmail = links.gmail_compose_url(target.emails, cc=cc, subject=subject, body=text)
                way.outlook = links.outlook_compose_url(target.emails, cc=cc, subject=subject, body=text)
                way.gmail_prefix = links.gmail_compose_url(target.emails, cc=cc)
                way.outlook_prefix = links.outlook_compose_url(target.emails, cc=cc)
            if target.address:
                way.print_url = urls.print_letter_url(action.url, index, letter.language)
                way.postage = ways.postage
                way.copies = [
                    PrintedCopy(
                        number,
                        copy,
                        urls.print_copy_url(way.print_url, number),
                        postage_for(copy, front.country, home),
                    )
                    for number, copy in enumerate(front.copies, start=1)
                    if copy.address
                ]
            ways.letters.append(way)
        if target.sms and front.sms:
            ways.sms_url = links.sms_url(target.sms, front.sms)
        if target.twitter and front.tweet:
            ways.tweet_text = textlimits.tweet_for(target.twitter, front.tweet)
            ways.tweet_url = links.tweet_intent_url(ways.tweet_text)
        result.append(ways)
    return result

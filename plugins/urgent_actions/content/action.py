"""One urgent action, validated: its front matter, its body, and what the pages ask of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from .. import urls
from . import countries, letters, states
from .action_front import ActionFront
from .images import ImageInfo


@dataclass(frozen=True, eq=False)  # an action is itself: compared and hashed by identity
class Action:
    """One action, built whole by the loader (``content/loading.py``) and never changed.

    Its front matter's fields are read as ``action.front.<field>``; the
    properties here are what is computed from them.
    """

    slug: str  # its file name without ``.md``: its page's address
    source_path: str
    front: ActionFront
    # Markdown; empty when the loader rendered it to ``body_html`` (at 10,000
    # actions the Markdown would be 30 MB more, and nothing else reads it).
    body: str = field(repr=False)
    body_html: str = field(default="", repr=False)
    source_digest: str = ""  # digest of the file's bytes: this version of the action
    # The site's country names, in the interface's language (content/countries.yml).
    country_names: countries.CountryNames = field(default_factory=countries.CountryNames, repr=False)
    image_info: ImageInfo | None = None  # its photo, checked (``content.images.inspect``)

    @cached_property
    def key_token(self) -> bytes:
        """Its part of the key of a page that shows it (``site.keys.action_token``): its
        address, the digest of its file's bytes and of its photo's, and ``\\1`` when it is
        open. Made once: a rebuild checks about 90,000 of them at 10,000 actions."""
        mark = "\1" if self.front.state == "open" else ""
        photo = f"\0{self.image_info.digest}" if self.image_info is not None else ""
        return f"{self.slug}\0{self.source_digest}{photo}{mark}\n".encode()

    @property
    def url(self) -> str:
        """Its page's address, relative to the site root (``actions/<slug>/``)."""
        return urls.action_url(self.slug)

    @property
    def save_as(self) -> str:
        """The file of its page (``actions/<slug>/index.html``)."""
        return urls.action_save_as(self.slug)

    @property
    def listed(self) -> bool:
        """Whether it is shown in lists, feeds and its case's timeline: its status is
        ``published`` (a ``hidden`` action has its page, reached only by its address)."""
        return self.front.status == "published"

    @property
    def country_name(self) -> str:
        """The name of its country, in the interface's language, as the site names it."""
        return self.country_names.name(self.front.country)

    @property
    def model_letters(self) -> list[letters.ComposedLetter]:
        """Its letters as the page shows them: composed with the salutation of
        the first target that has one (each target's own are in ``ways_for``)."""
        greeting = next((t.salutation for t in self.front.targets if t.salutation), None)
        first = self.front.letters[0].language if self.front.letters else None
        return [letters.compose(letter, greeting, first) for letter in self.front.letters]

    @property
    def preferred_language(self) -> str | None:
        """The language of the letter marked ``preferred`` (the authorities'), or None."""
        return next((letter.language for letter in self.front.letters if letter.preferred), None)

    def display_state(self, today: dt.date) -> str:
        """'open', 'past-deadline', 'closed' or 'good-news' on ``today`` (``states``)."""
        return states.display_state(self.front.state, self.front.deadline, today)

    @property
    def last_updated(self) -> dt.date:
        """The date of its latest change: publication, or the outcome's date when
        later (the feeds' ``updated`` and the sitemap's ``lastmod``)."""
        front = self.front
        return max(front.date, front.outcome.date) if front.outcome else front.date

    def days_left(self, today: dt.date) -> int | None:
        """Days until the deadline (0 on its last day), None without a deadline."""
        return None if self.front.deadline is None else (self.front.deadline - today).days

    @property
    def sort_key(self):
        """Newest last: by date, case, update and slug (the site lists newest first)."""
        return (self.front.date, self.front.case, self.front.update, self.slug)

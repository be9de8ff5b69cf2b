"""The base of the content's validated models (:class:`ContentModel`): frozen, and light
to hold by the ten thousand."""

from __future__ import annotations

from pydantic import BaseModel

# One set of field names per distinct set (a handful), and one string per short text
# (country and language codes, themes, authorities' names, roles, salutations,
# addresses), in the process that validates: see ContentModel.model_post_init.
# Long texts are left alone (nearly all differ, and a warm builder would keep
# every version of them).
_FIELDS_SETS: dict[frozenset, set] = {}
_SHORT_TEXTS: dict[str, str] = {}
SHORT_TEXT = 80


def shared_fields_set(names: set) -> set:
    """The one set equal to ``names`` that every model validated with the same fields shares."""
    key = frozenset(names)
    found = _FIELDS_SETS.get(key)
    if found is None:
        found = _FIELDS_SETS[key] = set(key)
    return found


def _share_short_texts(fields: dict) -> None:
    """Make every short string among ``fields``' values (and in their lists of strings)
    the one string every model validated with that text holds."""
    shared = _SHORT_TEXTS.setdefault
    for name, value in fields.items():
        kind = type(value)
        if kind is str:
            if len(value) <= SHORT_TEXT:
                fields[name] = shared(value, value)
        elif kind is list and value and type(value[0]) is str:
            value[:] = [shared(v, v) if type(v) is str and len(v) <= SHORT_TEXT else v for v in value]


class ContentModel(BaseModel):
    """A Pydantic model of the content.

    Each model would hold its own copies of what thousands of others hold too:
    Pydantic's set of the names of the fields its source set (about 30 MB of
    the build's largest process at 10,000 actions), and the short texts that
    recur from action to action (codes, themes, authorities). Models share
    them instead, from their validation on; pickling keeps what it shares
    (the read workers send their actions to the build by chunks, the read
    cache is saved by chunks), so unpickling costs nothing more. Every
    subclass is frozen, and Pydantic copies the set before changing it
    (``model_copy``), so nothing shared is ever written to.
    """

    def model_post_init(self, context, /) -> None:
        object.__setattr__(self, "__pydantic_fields_set__", shared_fields_set(self.__pydantic_fields_set__))
        _share_short_texts(self.__dict__)

"""The base of the content's validated models (:class:`ContentModel`): frozen, and light
to hold by the ten thousand."""

from __future__ import annotations

from pydantic import BaseModel

# One set of field names per distinct set (a handful): see ContentModel.__setstate__.
_FIELDS_SETS: dict[frozenset, set] = {}


def shared_fields_set(names: set) -> set:
    """The one set equal to ``names`` that every model unpickled with the same fields shares."""
    key = frozenset(names)
    found = _FIELDS_SETS.get(key)
    if found is None:
        found = _FIELDS_SETS[key] = set(key)
    return found


class ContentModel(BaseModel):
    """A Pydantic model of the content.

    Pydantic gives each instance its own set of the names of the fields its
    source set; an action's front matter and its targets, copies and letters
    come to the build pickled (from the read workers, from the read cache), so
    at 10,000 actions those sets would be 60,000 equal ones, about 30 MB of the
    build's largest process. Unpickled models share one set per distinct set
    instead. Every subclass is frozen, and Pydantic copies the set before
    changing it (``model_copy``), so the shared set is never written to.
    """

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        object.__setattr__(self, "__pydantic_fields_set__", shared_fields_set(self.__pydantic_fields_set__))

"""Edit an action file's front matter as its editor wrote it (round-trip YAML).

The editors' tools change a few fields of a file written by hand: the rest
stays byte for byte as it was (comments, block scalars, quotes, key order,
plain dates), so that ``git diff`` shows only what the tool changed.
``ruamel.yaml`` keeps all of that; PyYAML (the build's strict reader) does not.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ..content.action_front import ActionFront
from ..content.frontmatter import decode, split

# The indentation styles tried, the project's own first: the one that gives the
# source back unchanged is kept for the whole file.
INDENTS = ({"mapping": 2, "sequence": 4, "offset": 2}, {"mapping": 2, "sequence": 2, "offset": 0})
# The order of the model's fields: a key the tool adds goes after the one before it.
FIELD_ORDER = tuple(ActionFront.model_fields)


def _yaml(indent: dict) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap an editor's long line
    yaml.indent(**indent)
    return yaml


@dataclass
class FrontMatter:
    """An action file: its front matter (editable in place) and its Markdown body."""

    data: CommentedMap
    body: str
    yaml: YAML

    def text(self, header: str = "") -> str:
        """The whole file again; ``header``: comment lines put first in the front matter."""
        out = io.StringIO()
        self.yaml.dump(self.data, out)
        return "---\n" + header + out.getvalue() + "---\n" + self.body

    def set(self, key: str, value: Any) -> None:
        """Set ``key``, in place when it exists, else after the field before it in the model."""
        if key in self.data:
            old = self.data[key]
            if isinstance(old, DoubleQuotedScalarString) and isinstance(value, str):
                value = DoubleQuotedScalarString(value)
            self.data[key] = value
            return
        before = FIELD_ORDER[: FIELD_ORDER.index(key)] if key in FIELD_ORDER else FIELD_ORDER
        position = 0
        for index, existing in enumerate(self.data):
            if existing in before:
                position = index + 1
        self.data.insert(position, key, value)


def parse(raw: bytes, drop_header: str = "") -> FrontMatter:
    """Read a file's bytes; ``drop_header``: leading comment lines that start with it
    (a header an earlier run of a tool wrote) are left out."""
    front, body, _ = split(decode(raw))
    lines = front.split("\n")
    if drop_header and lines and lines[0].startswith(drop_header):
        while lines and lines[0].startswith("#"):
            lines.pop(0)
    front = "\n".join(lines) + "\n"
    chosen = None
    for indent in INDENTS:
        yaml = _yaml(indent)
        data = yaml.load(front)
        out = io.StringIO()
        yaml.dump(data, out)
        if out.getvalue() == front:
            chosen = (data, yaml)
            break
        chosen = chosen or (data, yaml)
    data, yaml = chosen
    if not isinstance(data, CommentedMap):
        data = CommentedMap()
    return FrontMatter(data, body, yaml)

"""Split a Markdown file into its YAML front matter and body, safely.

YAML is read with PyYAML's C safe loader, tightened for editors:

- duplicate keys are errors (the second value would silently win otherwise);
- anchors and aliases are refused (they are never needed in an action, and a
  nested alias "bomb" would expand to billions of items when validated);
- only ``true``/``false`` are booleans (YAML 1.1 turns ``NO``, Norway's
  country code, into ``False``), and dates stay strings so that the schema,
  not the YAML parser, reports an impossible date with its field name.
"""

from __future__ import annotations

import re

import yaml

try:  # the C parser is about ten times faster; fall back when absent
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

MAX_FILE_BYTES = 1_000_000
_FENCE = re.compile(r"^---[ \t]*$")
_CLOSE = re.compile(r"^(---|\.\.\.)[ \t]*$")


class FrontMatterError(Exception):
    """A problem that prevents reading the file at all; ``field`` may be ''."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


class _DuplicateKey(Exception):
    def __init__(self, key, line):
        self.key, self.line = key, line


class StrictLoader(_BaseLoader):
    """Safe loader with the restrictions described in the module docstring."""


# Keep a copy of the resolvers without YAML 1.1 booleans and timestamps.
StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def _construct_mapping(loader, node, deep=False):
    loader.flatten_mapping(node)
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark.line)
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
# The scalars PyYAML's own constructors make (an int, a float, a boolean, null).
_SCALARS = {tag: StrictLoader.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
)}  # fmt: skip


class _Unusual(Exception):
    """A node the plain construction leaves to PyYAML's (a merge key, an explicit tag…)."""


def _construct_plain(loader, node):
    """The value of ``node`` as ``loader.construct_document`` makes it, for documents of
    strings, numbers, booleans, lists and mappings (every action file): a few times
    faster than PyYAML's general constructor, in Python too. Raises :class:`_Unusual`
    for anything else, and :class:`_DuplicateKey` as ``_construct_mapping`` does."""
    tag = node.tag
    if isinstance(node, yaml.ScalarNode):
        if tag == _STR:
            return node.value
        if tag in _SCALARS:
            return _SCALARS[tag](loader, node)
    elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
        return [_construct_plain(loader, item) for item in node.value]
    elif isinstance(node, yaml.MappingNode) and tag == _MAP:
        # Every key first, as _construct_mapping: a duplicate is found before the values.
        keys = []
        seen = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or (key_node.tag != _STR and key_node.tag not in _SCALARS):
                raise _Unusual
            key = _construct_plain(loader, key_node)
            if key in seen:
                raise _DuplicateKey(key, key_node.start_mark.line)
            seen.add(key)
            keys.append(key)
        return {key: _construct_plain(loader, value) for key, (_, value) in zip(keys, node.value, strict=True)}
    raise _Unusual


def _refuse_aliases(root) -> None:
    """Raise when any node is reached twice: that only happens through an alias."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise FrontMatterError("anchors and aliases (& and *) are not allowed; write the value out in full")
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (a leading BOM is accepted), CRLF or CR turned into LF."""
    if len(raw) > MAX_FILE_BYTES:
        raise FrontMatterError(
            f"the file is too large ({len(raw) / 1e6:.1f} MB); an action file is at "
            f"most {MAX_FILE_BYTES // 1_000_000} MB: move long background text elsewhere"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FrontMatterError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save it again with the UTF-8 encoding"
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, line number where the YAML starts)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0]):
        raise FrontMatterError("the file must start with a line '---', then the front matter, then '---'")
    for index in range(1, len(lines)):
        if _CLOSE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), 2
    raise FrontMatterError(
        "the front matter is not closed: add a line '---' after the last field, before the text of the action"
    )


def _describe_yaml_error(exc: yaml.YAMLError, first_line: int) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"line {mark.line + first_line}" if mark is not None else "front matter"
    if "\\t" in problem or "'\\t'" in problem or "tab" in problem.lower():
        return f"{where}: a tab character is used; indent YAML with spaces only"
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return f"{where}: invalid YAML ({detail}); check the indentation and quote values containing ':' or '#'"


def load_yaml(yaml_text: str, first_line: int = 1):
    """Parse YAML text with StrictLoader; raise FrontMatterError with a line number."""
    if "\t" in yaml_text:
        for number, line in enumerate(yaml_text.split("\n"), start=first_line):
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if "\t" in indent:
                raise FrontMatterError(
                    f"line {number}: a tab character is used for indentation; indent YAML with spaces only"
                )
    loader = StrictLoader(yaml_text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if "&" in yaml_text:  # no anchor, no alias (an alias without its anchor fails to parse)
            _refuse_aliases(node)
        try:
            return _construct_plain(loader, node)
        except _Unusual:
            return loader.construct_document(node)
    except _DuplicateKey as dup:
        raise FrontMatterError(
            f"duplicate key '{dup.key}' (line {dup.line + first_line}); keep only one of them",
            field=str(dup.key),
        ) from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(_describe_yaml_error(exc, first_line)) from None
    finally:
        loader.dispose()


def read(raw: bytes):
    """Decode, split and parse a Markdown file: return (metadata, body)."""
    yaml_text, body, first_line = split(decode(raw))
    data = load_yaml(yaml_text, first_line)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be a list of 'key: value' lines")
    return data, body

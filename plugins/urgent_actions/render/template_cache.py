"""``{% cached_include "name.html" %}``: an include rendered once per distinct input.

Some partials are the same on thousands of pages (the navigation, the
footer) or in several lists (an action's card is in about five). Including
them normally renders them each time; this tag renders a template once for
each combination of the values it reads, then reuses the HTML.

What a template reads is found from its own source, not declared by hand:
the variables ``jinja2.meta.find_undeclared_variables`` reports for it and
for every template it includes, imports or extends, recursively. A template
edited to read one more variable therefore widens its key by itself; a
partial can never be reused for a page whose values it reads differ.

The environment's globals are not counted (``find_undeclared_variables``
leaves them out): they are set before the first template is loaded and do not
change during a build. The values are compared by identity (``id``) for objects, by value for
plain scalars (strings, numbers, dates, None). The objects of a key are
kept alive by the cache, so an ``id`` is never reused by another object
while its entry exists; an object must not be changed once it has been
shown, which holds for the build's data (validated, frozen front matter) and
the site's settings. The cache lives on the environment: each build makes a
new one.
"""

from __future__ import annotations

import datetime as dt

from jinja2 import meta, nodes
from jinja2.ext import Extension
from markupsafe import Markup

# Compared by value: immutable and cheap to hash.
_SCALARS = (str, int, float, bool, type(None), dt.date)


def read_variables(env, name: str) -> tuple[frozenset[str], tuple]:
    """The variables template ``name`` reads from its context, with those of every
    template it includes, imports or extends (which must be named by constants);
    and the templates visited, as (name, Template) pairs. A template imported
    without context only sees the globals; its names are counted all the same."""
    names: set[str] = set()
    visited: dict[str, object] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in visited:
            continue
        visited[current] = env.get_template(current)
        source = env.loader.get_source(env, current)[0]
        free, referenced = _names_in_source(env, current, source)
        names |= free
        pending += referenced
    return frozenset(names), tuple(sorted(visited.items()))


# What a template's source reads and names, by its source and what of the
# environment the parse depends on: parsing takes a tenth of a small rebuild, and
# under ./dev serve (one process, a build per save) the sources seldom change.
_PARSED: dict[tuple, tuple[frozenset[str], tuple[str, ...]]] = {}
_PARSED_MAX = 512


def _names_in_source(env, name: str, source: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The free names of template ``name`` (its ``source``) and the templates it names."""
    syntax = (env.block_start_string, env.variable_start_string, env.comment_start_string, env.line_statement_prefix)
    key = (name, source, syntax, tuple(sorted(env.extensions)), frozenset(env.globals))
    found = _PARSED.get(key)
    if found is None:
        tree = env.parse(source, name)
        referenced = tuple(meta.find_referenced_templates(tree))
        if None in referenced:
            raise ValueError(f"{name}: cached_include needs every template it uses named by a constant")
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        found = _PARSED[key] = (frozenset(_free_names(env, tree)), referenced)
    return found


def _free_names(env, tree) -> set[str]:
    """The names ``tree`` reads but does not set: at its top level, and in the body of
    each of its macros and call blocks (which ``find_undeclared_variables`` does not
    enter), less their parameters. A local set in an enclosing macro may be reported
    too: a wider key is only a key that matches less often."""
    names = set(meta.find_undeclared_variables(tree))
    for node in tree.find_all((nodes.Macro, nodes.CallBlock)):
        params = [arg.name for arg in node.args] + ["caller", "varargs", "kwargs"]
        body = nodes.Template(
            [nodes.Assign(nodes.Name(n, "store"), nodes.Const(None)) for n in params] + list(node.body)
        )
        body.set_environment(env)
        body.set_lineno(node.lineno)
        names |= meta.find_undeclared_variables(body)
    return names


class CachedIncludeExtension(Extension):
    """The ``cached_include`` tag (see the module's docstring)."""

    tags = frozenset({"cached_include"})

    def __init__(self, environment):
        super().__init__(environment)
        # name -> (read variables (sorted), templates visited)
        environment.extend(cached_include_reads={}, cached_include_html={})

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        template = parser.parse_expression()
        # The derived context holds the caller's local variables too (loop
        # variables, {% with %} and {% set %} inside blocks), as {% include %} does.
        call = self.call_method("_render", [template, nodes.DerivedContextReference()], lineno=lineno)
        return nodes.Output([call], lineno=lineno)

    def _reads(self, name: str):
        env = self.environment
        found = env.cached_include_reads.get(name)
        # Without auto_reload a loaded template never changes: no need to look again.
        if found is not None and (not env.auto_reload or all(env.get_template(n) is t for n, t in found[1])):
            return found
        names, visited = read_variables(env, name)
        found = env.cached_include_reads[name] = (tuple(sorted(names)), visited)
        return found

    def _render(self, name: str, context) -> Markup:
        env = self.environment
        names, visited = self._reads(name)
        values = [context.resolve_or_missing(n) for n in names]
        # ``visited`` is made again when a template it names is reloaded.
        key = (name, id(visited), *(v if isinstance(v, _SCALARS) else id(v) for v in values))
        entry = env.cached_include_html.get(key)
        if entry is None:
            template = env.get_template(name, parent=context.name)
            html = Markup("".join(template.root_render_func(template.new_context(context.get_all(), True))))
            # Keeping the values keeps their ids theirs while the entry lives.
            entry = env.cached_include_html[key] = (html, values, visited)
        return entry[0]

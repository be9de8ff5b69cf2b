# ruff: noqa: B018 -- each line names an attribute for vulture, on purpose.
"""Names vulture cannot see used: each is called or read by a library, by name.

Read by tests/test_dead_code.py (vulture takes it as one more source file).
Names that templates use, and the settings of pelicanconf.py and
publishconf.py, are added by the test itself; decorated receivers (invoke
tasks, pydantic validators) are ignored through their decorators there.
"""

from types import SimpleNamespace

_ = SimpleNamespace()

# Pelican: a generator's two phases, and the attribute that tells it not to
# empty the output directory (__init__.py).
_.generate_context
_.generate_output
_.delete_outputdir
# logging: a filter rewrites the record's message (__init__.py).
_.msg
# Jinja: the environment's template class and bytecode cache, an extension's
# stream filter, and the method a `cached_include` tag compiles a call to
# (by its name, as a string).
_.template_class
_.bytecode_cache
_.filter_stream
_._render
# Python-Markdown: an extension's entry point, and the footnotes' id prefix.
_.extendMarkdown
_.unique_prefix
# html.parser: the callback of a start tag (publish/site_check.py).
_.handle_starttag
# http.server and socketserver: the request log, and the server's options (tools/serve.py).
_.log_message
_.daemon_threads
_.allow_reuse_address
# feedgenerator: asks the feed for its latest date (site/feeds.py).
_.latest_post_date
# pydantic: the models' configuration, and what it calls once a model is validated.
_.model_config
_.model_post_init
# ruamel.yaml: keep the quotes an editor wrote (tools/yaml_edit.py).
_.preserve_quotes
# Jinja: what a template writes goes through the environment's finalize (render/templating.py).
_.finalize

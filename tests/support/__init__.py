"""Test-support layer: a static server, Chromium through Playwright, axe-core, the Nu Html Checker.

Importable as ``support`` (pytest puts ``tests/`` on ``sys.path``, see pyproject.toml):

- ``support.server.serve_directory(path)``: serve a built site on 127.0.0.1, yield its base URL;
- ``support.browser``: ``launch_browser``, ``new_page``, the shared session browser and its
  ``browser`` pytest fixture;
- ``support.axe``: ``axe_violations(page)``, ``format_violations(violations)``;
- ``support.vnu``: ``vnu_errors(paths)``, ``format_vnu_errors(errors)``.
"""

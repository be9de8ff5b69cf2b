"""What only makes builds fast: caches, stamps, spare tree, output swap, parallel work,
search index scheduling. Nothing outside this package imports it but the plugin's
entry point (an import-linter contract in pyproject.toml says so)."""

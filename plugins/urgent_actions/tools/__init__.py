"""Editors' tools: the action scaffold and the JSON Schema."""

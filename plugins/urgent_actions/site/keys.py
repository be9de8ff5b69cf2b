"""Page keys: what a page's bytes depend on, declared where the page is planned.

Every :class:`~urgent_actions.site.outputs.Output` may carry a ``key``: a digest
of every input its bytes depend on besides the site-wide ones (theme, templates,
settings, plugin code and the non-action content, which an incremental build
adds to every key). Two builds that give a page the same key must give it the
same bytes: an incremental build then keeps the published file.

The rule for template authors: **a template that shows new data must widen its
page's key**. When a page starts to show something that is not in its key (a
field of an action is in it already: the key covers the action file's bytes;
another action, a count, a date is not), add it to the key where the page is
planned (the ``outputs()`` function of its module in ``site/``). The test
``tests/test_page_keys.py`` fails when two pages with one key differ.
"""

from __future__ import annotations

import hashlib


def fingerprint(*parts) -> str:
    """A short stable digest of strings, bytes and other values (by ``repr``)."""
    # One buffer hashed at once: the same digest as an update per piece, in fewer calls
    # (about 40,000 keys are made or checked per build at 10,000 actions).
    blob = bytearray()
    for part in parts:
        if isinstance(part, str):
            part = part.encode("utf-8")
        elif not isinstance(part, bytes):
            part = repr(part).encode("utf-8")
        blob += len(part).to_bytes(8, "little")
        blob += part
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


def action_token(action) -> bytes:
    """An action's part of the key of a page that shows it: its address, the
    digest of its file's bytes and of its photo's (the page links the photo's
    copies, named by it), and ``\\1`` when it is open (its state and days left
    change with the build date)."""
    # Made once per action (``Action.key_token``): it is in about nine keys, 92,000
    # tokens a build at 10,000 actions, 0.2 s of CPU when each was made again.
    return action.key_token


def actions_key(actions, build_date, *extra) -> str:
    """The key of a page made from ``actions`` (an action page: its case; a list: its items).

    It covers each action's address and file bytes, and the build date when
    one of them is open, plus any ``extra`` value the page depends on (page
    number, total count…).
    """
    tokens = b"".join([action_token(action) for action in actions])  # slugs hold neither NUL nor newline
    digest = hashlib.blake2b(tokens, digest_size=20)
    digest.update(b"date:" + (build_date.isoformat().encode() if b"\1\n" in tokens else b""))
    if extra:
        digest.update(b"|" + fingerprint(*extra).encode())
    return digest.hexdigest()

"""A Pagefind index chunk's words, each value with the CBOR bytes it was read from.

The search merge (:mod:`pagefind_merge`) copies a shard's page lists into the
merged index's lists. Decoding them with cbor2 and keeping the bytes they were
read from costs far less than encoding them again, and gives the same bytes:
Pagefind 1.5.2 writes the shortest heads, as cbor2 does. Only the standard
library and cbor2, as the merge, which runs as a script.
"""

from __future__ import annotations

import io

import cbor2

ARRAY = 4  # CBOR's major type of arrays


def _array(read, length: int | None = None) -> int:
    """The length of the CBOR array whose head ``read`` reads next (``length``, if given)."""
    first = read(1)[0]
    info = first & 31
    found = info if info < 24 else int.from_bytes(read(1 << (info - 24)), "big")
    if first >> 5 != ARRAY or info > 27 or length not in (None, found):
        raise ValueError("not the CBOR of a Pagefind index chunk")
    return found


def encoded_words(content: bytes):
    """The words of a chunk's ``content`` (a ``.pf_index`` file without its signature) in
    order: (word, its CBOR, pages, their CBOR, variants), each variant (variant, its CBOR,
    pages, their CBOR)."""
    stream = io.BytesIO(content)
    read, tell, decode = stream.read, stream.tell, cbor2.CBORDecoder(stream).decode

    def item() -> tuple:
        start = tell()
        return decode(), content[start : tell()]

    _array(read, 1)
    for _ in range(_array(read)):
        _array(read, 3)
        word, pages = item(), item()
        variants = []
        for _ in range(_array(read)):
            _array(read, 2)
            variants.append((*item(), *item()))
        yield (*word, *pages, variants)

"""A raw DEFLATE layer (RFC 1951) over a connection, both ways: IMAP COMPRESS=DEFLATE
(RFC 4978), and any protocol that adds the same later (POP3, NNTP COMPRESS).

It sits above TLS: what leaves is compressed, then handed to the transport,
which encrypts it when TLS is active; what arrives is decrypted by the
transport, then inflated here (RFC 4978 §3: "first COMPRESS, then SASL, and
finally TLS").

Invariants:
- Memory per connection is bounded: the deflater keeps an 8 KiB window and
  memLevel 6 (zlib's own formula: (1 << (13+2)) + (1 << (6+9)) = 64 KiB),
  the inflater the 32 KiB window a client may choose (RFC 1951 §2 allows up
  to 32 KiB; we cannot ask the client for less) plus zlib's ~7 KiB; and no
  single `inflate` returns more than `max_out` bytes, so a small
  "compression bomb" cannot make a huge buffer: the rest waits in zlib's
  unconsumed input until the framer asks again.
- The deflater runs at level 1 (RFC 4978 §4 suggests 1-5): on FETCH
  BODY[] of bench.mboxgen's mail, level 1 with this 8 KiB window sends
  0.411 of the bytes, the same as zlib's default 32 KiB window and
  memLevel 8 (256 KiB); level 6 gets 0.374 for about twice the CPU, which
  every connection of a worker shares (bench/compress.py).
- Output is flushed (Z_SYNC_FLUSH) once per batch of responses, when the
  connection's output is flushed, never per line: a batch of small
  responses shares one flush marker.
"""

from __future__ import annotations

import zlib

#: Raw deflate (negative wbits: no zlib header, RFC 4978 §4 "-8 to -15").
#: 2**13 = 8 KiB of window: the previous response's header lines and
#: FETCH items are still in reach; 32 KiB buys little more on mail.
DEFLATE_WBITS = -13
#: zlib's memLevel 6: a 16 KiB hash, half the default's memory.
DEFLATE_MEMLEVEL = 6
#: RFC 4978 §4: the least CPU-intensive setting already compresses well.
DEFLATE_LEVEL = 1
#: Inflate must accept any window the client picked (up to 32 KiB).
INFLATE_WBITS = -15


class DeflateError(Exception):
    """The peer's compressed stream is broken: the connection cannot go on."""


class Deflate:
    """One connection's compressor and decompressor."""

    def __init__(self, max_out: int) -> None:
        self.max_out = max_out
        self._deflater = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, DEFLATE_WBITS,
                                          DEFLATE_MEMLEVEL)
        self._inflater = zlib.decompressobj(INFLATE_WBITS)
        #: Bytes before and after compression, for logs and benchmarks.
        self.plain_out = 0
        self.deflated_out = 0

    def deflate(self, data: bytes | memoryview) -> bytes:
        """Compress `data`; the output may lag until `sync`."""
        self.plain_out += len(data)
        out = self._deflater.compress(data)
        self.deflated_out += len(out)
        return out

    def sync(self) -> bytes:
        """End of a batch: everything deflated so far, decodable by the peer now."""
        out = self._deflater.flush(zlib.Z_SYNC_FLUSH)
        self.deflated_out += len(out)
        return out

    def inflate(self, data: bytes) -> bytes:
        """Decompress `data` (at most `max_out` bytes; the rest stays for `more`)."""
        try:
            out = self._inflater.decompress(self._inflater.unconsumed_tail + data,
                                            self.max_out)
        except zlib.error as err:
            raise DeflateError(f"bad compressed data: {err}") from None
        if self._inflater.eof:
            # RFC 4978 §3 has no way to end compression: a final block is an error.
            raise DeflateError("compressed stream ended")
        return out

    def pending(self) -> bool:
        """Whether input is held back by the `max_out` bound."""
        return bool(self._inflater.unconsumed_tail)

    def more(self) -> bytes:
        """The next decompressed bytes of held-back input."""
        return self.inflate(b"")

"""What the LMTP tests share: the transcript client and the fixture types.

`play` (tests/harness/transcript.py) sends every `C:` line up to the next
`S:` line in one write (so consecutive `C:` lines are a pipelined group,
RFC 2920) and then reads one line per `S:` line; `{…}` matches any text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.harness.transcript import TranscriptClient

from roost.config import Config

ConfFactory = Callable[..., Config]


#: LMTP tests play transcripts with the same client as every protocol's tests.
Transcript = TranscriptClient


#: Fixture types: `serve(conf)` starts a service, `connect(address)` a client.
Serve = Callable[[Config], Awaitable[tuple[str, int]]]
Connect = Callable[[tuple[str, int]], Awaitable["Transcript"]]

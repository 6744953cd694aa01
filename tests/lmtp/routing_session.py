"""What the routing tests share: a greeting-to-MAIL preamble, and one LMTP
session on a configuration of its own."""

from __future__ import annotations

from tests.lmtp.lmtp_client import ConfFactory, Connect, Serve

HELLO = """
    C: LHLO mx.test
    S: 250-lmtp.test
    S: 250-{…}
    S: 250-{…}
    S: 250-{…}
    S: 250 SIZE{…}
    C: MAIL FROM:<list@example.net>
    S: 250 2.1.0 Sender OK
"""


async def play_session(serve: Serve, connect: Connect, make_conf: ConfFactory,
                       conf_text: str, transcript: str) -> None:
    """One LMTP session under `conf_text`, HELLO then `transcript`."""
    lmtp = await connect(await serve(make_conf(conf_text)))
    await lmtp.expect("220 lmtp.test LMTP Roost ready")
    await lmtp.play(HELLO + transcript)

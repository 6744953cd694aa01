"""Random command lines over a real socket: every one gets a reply, none a
server error, and the connection still answers afterwards."""

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.lmtp.lmtp_client import Connect, Serve

from roost.config import Config

_VERBS = st.sampled_from(["LHLO", "MAIL FROM:", "RCPT TO:", "DATA", "RSET", "NOOP", "VRFY",
                          "HELP", "EHLO", "mail from:<", "RCPT TO:<bob", ""])
_LINE = st.one_of(
    st.binary(max_size=120),
    st.builds(lambda verb, rest: verb.encode() + rest, _VERBS, st.binary(max_size=60)),
).map(lambda line: line.replace(b"\n", b" "))


def harmless(line: bytes) -> bool:
    """QUIT and STARTTLS end or change the conversation; leave them out."""
    word = line.strip().upper()
    return not word.startswith((b"QUIT", b"STARTTLS"))


@pytest.fixture
async def address(conf: Config, serve: Serve) -> tuple[str, int]:
    return await serve(conf)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_LINE.filter(harmless), min_size=1, max_size=12))
async def test_random_lines_then_noop(address: tuple[str, int], connect: Connect,
                                      lines: list[bytes]) -> None:
    client = await connect(address)
    await client.expect("220 {…}")
    # The closing "." ends a message body if the random lines opened one.
    await client.send(b"".join(line + b"\r\n" for line in lines) + b"\r\n.\r\nRSET\r\nNOOP\r\n")
    while True:
        reply = (await asyncio.wait_for(client.reader.readline(), 10)).decode("ascii")
        assert reply[:3].isdigit() and reply.endswith("\r\n"), reply
        assert not reply.startswith("451 4.3.0 Internal"), reply
        if reply == "250 2.0.0 OK\r\n":
            break
    await client.close()

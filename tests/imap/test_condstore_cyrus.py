"""Differential: the same CONDSTORE/QRESYNC session against Debian's Cyrus
(started on loopback by bench.cyrus_side, as the benchmarks do) and Roost.

MODSEQ numbers are each server's own (Cyrus gives every message of one
STORE a MODSEQ of its own, Roost one for the STORE, RFC 7162 §3.1 allows
both), so they are compared as `N` and each server's own HIGHESTMODSEQ
is what its later commands name. Only the CONDSTORE/QRESYNC replies are
compared: FETCH, VANISHED, SEARCH, ESEARCH, ENABLED, STATUS, the
HIGHESTMODSEQ lines and each tagged status with its response code.

Left out on purpose, where Roost follows RFC 7162 and Cyrus 3.6 does not:
before ENABLE QRESYNC Cyrus leaves UID out of untagged FETCH (§3.2.4
requires it after any CONDSTORE enabling command), sends FLAGS for
.SILENT, and tells no HIGHESTMODSEQ when ENABLE CONDSTORE runs with a
mailbox selected (§3.1). The session therefore enables QRESYNC first.
Cyrus also appends `(MODSEQ n)` to an empty SEARCH result, which §3.1.6
says to leave out; that case is in test_condstore.py instead.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

import pytest
from bench.cyrus_side import CYRUS_BIN, CyrusSide
from bench.imap_client import ImapClient
from tests.harness.imap import running_imap, sample_message
from tests.harness.master import free_port
from tests.harness.site import PASSWORD, make_site

SESSION = [
    "ENABLE QRESYNC",
    "SELECT INBOX",
    "STORE 2 +FLAGS (\\Flagged)",
    "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {H0})",
    "FETCH 1:* (UID MODSEQ) (CHANGEDSINCE {H0})",
    "SEARCH MODSEQ {H1}",
    'SEARCH MODSEQ "/flags/\\\\flagged" all {H0}',
    "SEARCH RETURN (ALL COUNT) MODSEQ {H0}",
    "UID STORE 1:3 (UNCHANGEDSINCE {H0}) +FLAGS (\\Answered)",
    "STORE 4 (UNCHANGEDSINCE 0) +FLAGS ($X)",
    "STORE 3 +FLAGS (\\Deleted)",
    "EXPUNGE",
    "UID FETCH 1:* (FLAGS) (CHANGEDSINCE {H0} VANISHED)",
    "UID EXPUNGE 9",
    "STATUS INBOX (MESSAGES HIGHESTMODSEQ)",
    "SELECT INBOX (QRESYNC ({UV} {H0} 1:4))",
    "SELECT INBOX (QRESYNC ({UV} {H0}))",
    "FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)",
]
_KEPT = re.compile(
    r"\* (\d+ FETCH|VANISHED|SEARCH|ESEARCH|ENABLED|STATUS|OK \[HIGHESTMODSEQ|OK \[CLOSED)")
_NUMBERS = [(re.compile(r"MODSEQ \(\d+\)"), "MODSEQ (N)"),
            (re.compile(r"HIGHESTMODSEQ \d+"), "HIGHESTMODSEQ N"),
            (re.compile(r"MODSEQ \d+"), "MODSEQ N")]


def _sorted_items(line: str) -> str:
    """A FETCH reply with its items in name order (RFC 9051 §7.5.2 gives
    them no order; Roost follows the request, Cyrus its own)."""
    m = re.fullmatch(r"(\* \d+ FETCH )\((.*)\)", line)
    if m is None:
        return line
    tokens, depth, start = [], 0, 0
    body = m.group(2)
    for i, char in enumerate(body + " "):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == " " and depth == 0:
            tokens.append(body[start:i])
            start = i + 1
    pairs = sorted(zip(tokens[::2], tokens[1::2]))
    return m.group(1) + "(" + " ".join(f"{k} {v}" for k, v in pairs) + ")"


def normal(line: str) -> str:
    for pattern, replacement in _NUMBERS:
        line = pattern.sub(replacement, line)
    line = line.replace('STATUS "INBOX"', "STATUS INBOX")
    return _sorted_items(re.sub(r"^(\* OK \[[^]]*\]).*", r"\1", line))


def _number(lines: list[bytes], code: str) -> int:
    text = next(line for line in lines if code.encode() in line).decode()
    return int(text.split(code + " ")[1].split("]")[0])


async def run_session(port: int, user: str) -> list[str]:
    """The compared lines of SESSION on one server."""
    client = await ImapClient.connect("127.0.0.1", port)
    out: list[str] = []
    try:
        assert (await client.login(user, PASSWORD)).status == "OK"
        for n in range(1, 5):
            await client.command("APPEND INBOX", sample_message(n))
        values: dict[str, int] = {}
        for command in SESSION:
            reply = await client.command(command.format(**values))
            if "UV" not in values and any(b"UIDVALIDITY" in x for x in reply.untagged):
                values["UV"] = _number(reply.untagged, "UIDVALIDITY")
                values["H0"] = _number(reply.untagged, "HIGHESTMODSEQ")
                values["H1"] = values["H0"] + 1
            out.append(f"C: {command}")
            out += [normal(x.decode().rstrip()) for x in reply.untagged
                    if _KEPT.match(x.decode())]
            code = re.match(r"\[[^]]*\]", normal(reply.text))
            out.append(f"T: {reply.status} {code.group() if code else ''}".rstrip())
        await client.command("LOGOUT")
    finally:
        await client.close()
    return out


async def roost_session(tmp_path: Path) -> list[str]:
    certs = tmp_path / "tls"
    certs.mkdir()
    async with running_imap(make_site(tmp_path / "site", certs), messages=0) as server:
        return await run_session(server.port, "bob")


def test_condstore_and_qresync_answer_as_cyrus_does(tmp_path: Path) -> None:
    if not (CYRUS_BIN / "master").exists() or shutil.which("saslpasswd2") is None:
        pytest.skip("Debian's cyrus-imapd (and sasl2-bin) is not installed: "
                    "apt-get install cyrus-imapd sasl2-bin")
    cyrus = CyrusSide(1, PASSWORD, imap_port=free_port())
    try:
        cyrus.start()
    except Exception as err:  # noqa: BLE001 - any failure to start is a skip, said why
        cyrus.stop()
        pytest.skip(f"Cyrus could not start on loopback: {err}")
    try:
        theirs = asyncio.run(run_session(cyrus.imap_port, "user1"))
    finally:
        cyrus.stop()
    ours = asyncio.run(roost_session(tmp_path))
    for mine, cyrus_line in zip(ours, theirs):
        assert mine == cyrus_line, "\n".join(f"{a:60} | {b}" for a, b in zip(ours, theirs))
    assert len(ours) == len(theirs), (ours, theirs)

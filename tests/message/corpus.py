"""The odd-mail corpus: tests/message/corpus/NAME.eml and NAME.expected.

NAME.eml holds one message byte for byte (`.gitattributes` keeps git from
touching its line ends; the `lf_` cases are stored with bare LF).
NAME.expected lists, one a line, a FETCH item as a client asks for it and
Roost's answer: the response item for it, exactly as sent, or the tagged
`NO [CODE]` when the command fails. Bytes outside printable ASCII are
escaped (`\\r`, `\\n`, `\\t`, `\\xNN`, `\\\\`) so the file stays one line
per item.

Lines starting `#` are comments: first what the case is about, then, as
`# ANCHOR ITEM: why`, each place where Roost answers differently from
Debian's Cyrus or Dovecot on purpose (ANCHOR is `cyrus` or `dovecot`;
ITEM is an item of the file, or `APPEND` when the anchor refuses the
message). tests/e2e/test_oddmail_differential.py holds every other
answer equal to the anchors'.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from bench.imap_client import ImapClient, ImapError, Reply

CORPUS = Path(__file__).parent / "corpus"
ANCHORS = ("cyrus", "dovecot")
_NOTE = re.compile(r"#\s*(cyrus|dovecot)\s+(\S+):\s*(\S.*)")
_ESCAPES = {0x0D: "\\r", 0x0A: "\\n", 0x09: "\\t", 0x5C: "\\\\"}
_UNESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|[rnt\\])")


def escape(data: bytes) -> str:
    """One line of printable ASCII for `data` (see the module docstring)."""
    return "".join(_ESCAPES.get(b) or (chr(b) if 0x20 <= b < 0x7F else f"\\x{b:02x}")
                   for b in data)


def unescape(text: str) -> bytes:
    """Inverse of `escape`."""
    simple = {b"r": b"\r", b"n": b"\n", b"t": b"\t", b"\\": b"\\"}

    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return simple[code] if code in simple else bytes((int(code[1:], 16),))

    return _UNESCAPE.sub(one, text.encode("ascii"))


@dataclass(frozen=True)
class Case:
    """One corpus message, the items asked of it and Roost's answers."""

    name: str
    raw: bytes
    answers: dict[str, bytes]  # item -> expected answer (escaped form decoded)
    notes: dict[tuple[str, str], str]  # (anchor, item) -> why Roost differs


def load(name: str) -> Case:
    raw = (CORPUS / f"{name}.eml").read_bytes()
    answers: dict[str, bytes] = {}
    notes: dict[tuple[str, str], str] = {}
    for line in (CORPUS / f"{name}.expected").read_text("ascii").splitlines():
        if line.startswith("#"):
            note = _NOTE.fullmatch(line)
            if note is not None:
                notes[(note.group(1), note.group(2))] = note.group(3)
        elif line.strip():
            item, _, answer = line.partition(" ")
            answers[item] = unescape(answer)
    return Case(name, raw, answers, notes)


def names() -> list[str]:
    return sorted(path.stem for path in CORPUS.glob("*.eml"))


# The answers, parsed (for comparing servers that render the same value
# differently: quoted string or literal, upper or lower case).
Value = bytes | int | None | list["Value"]
_TOKEN = re.compile(rb'\s*(?:(\()|(\))|(NIL)(?=[\s()])|(\d+)(?=[\s()])|"((?:[^"\\]|\\.)*)"'
                    rb'|~?\{(\d+)\}\r\n|([^\s()\[]+(?:\[[^\]]*\][^\s()]*)?))')


def parse(data: bytes) -> list[Value]:
    """The values of an IMAP response text, lists nested; atoms and strings
    as bytes, NIL as None, numbers as int."""
    stack: list[list[Value]] = [[]]
    pos = 0
    while pos < len(data) and data[pos:].strip():
        match = _TOKEN.match(data, pos)
        if match is None:
            raise ValueError(f"cannot parse at {data[pos:pos + 40]!r}")
        pos = match.end()
        opening, closing, nil, num, quoted, literal, atom = match.groups()
        if opening:
            stack.append([])
        elif closing:
            done = stack.pop()
            stack[-1].append(done)
        elif nil:
            stack[-1].append(None)
        elif num is not None:
            stack[-1].append(int(num))
        elif quoted is not None:
            stack[-1].append(re.sub(rb"\\(.)", rb"\1", quoted))
        elif literal is not None:
            stack[-1].append(data[pos:pos + int(literal)])
            pos += int(literal)
        else:
            stack[-1].append(atom)
    return stack[0]


_FETCH_DATA = re.compile(rb"^\* \d+ FETCH \((.*)\)\r\n$", re.DOTALL)
_UID_ITEM = re.compile(rb"^UID \d+ ?| ?UID \d+$")
_CODE = re.compile(r"\[[^\]]*\]")


def answer_of(reply: Reply) -> bytes:
    """What a `UID FETCH uid (ITEM)` reply says of the item: the FETCH data
    without the UID item, empty when there is none, or `NO [CODE]` (the
    status and response code of a failed command)."""
    if reply.status != "OK":
        code = _CODE.match(reply.text)
        return (reply.status + (" " + code.group() if code else "")).encode("ascii")
    for line in reply.untagged:
        data = _FETCH_DATA.match(line)
        if data is not None:
            rest = _UID_ITEM.sub(b"", data.group(1))
            if rest:
                return rest
    return b""


async def fetch_answers(port: int, user: str, password: str,
                        cases: list[Case]) -> dict[str, dict[str, bytes]]:
    """APPEND each case to INBOX of `user` and ask it each of its items, one
    command each; `{case: {"APPEND": status, item: answer}}`. A server that
    drops the connection answers `DISCONNECTED` and is reconnected."""
    client = await _open(port, user, password)
    out: dict[str, dict[str, bytes]] = {}
    try:
        for case in cases:
            reply = await client.command("APPEND INBOX", case.raw)
            got = out[case.name] = {"APPEND": reply.status.encode("ascii")}
            uid = re.search(r"APPENDUID \d+ (\d+)", reply.text)
            if reply.status != "OK" or uid is None:
                continue
            await client.command("EXAMINE INBOX")
            for item in case.answers:
                try:
                    got[item] = answer_of(await client.command(f"UID FETCH {uid[1]} ({item})"))
                except (ImapError, ConnectionError, asyncio.IncompleteReadError):
                    got[item] = b"DISCONNECTED"
                    await client.close()
                    client = await _open(port, user, password)
                    await client.command("EXAMINE INBOX")
    finally:
        await client.close()
    return out


async def _open(port: int, user: str, password: str) -> ImapClient:
    client = await ImapClient.connect("127.0.0.1", port)
    reply = await client.login(user, password)
    if reply.status != "OK":
        raise ImapError(f"LOGIN {user}: {reply.status} {reply.text}")
    return client


def noted(pattern: str, item: str) -> bool:
    """Whether a note's ITEM field (`A,B*,*`: names, prefixes ending in
    `*`) covers `item`."""
    for one in pattern.split(","):
        if one == item or (one.endswith("*") and item.startswith(one[:-1])):
            return True
    return False

"""The parser alone: wire bytes -> commands (RFC 5804 §4), a hypothesis
round trip through a client-side renderer, and random bytes that give
commands or Bad, nothing else."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.imap.wire import Line, NeedLiteral, NeedMore, TooLong, Wire
from roost.managesieve import commands as c
from roost.managesieve.parse import MAX_QUOTED, Bad, parse_command, sasl_response


def lines(data: bytes) -> list[Line]:
    wire = Wire(65536, 1 << 20)
    wire.feed(data)
    out = []
    while not isinstance(event := wire.next(), NeedMore):
        assert not isinstance(event, TooLong)
        if isinstance(event, Line):
            out.append(event)
    return out


def parse(data: bytes) -> c.Command:
    (line,) = lines(data)
    return parse_command(line)


@pytest.mark.parametrize(("wire", "command"), [
    (b"CAPABILITY\r\n", c.Capability()),
    (b"capability\n", c.Capability()),
    (b'Authenticate "plain"\r\n', c.Authenticate("PLAIN", None)),
    (b'AUTHENTICATE "PLAIN" {4+}\r\nAGJv\r\n', c.Authenticate("PLAIN", b"AGJv")),
    (b'AUTHENTICATE "SCRAM-SHA-1" ""\r\n', c.Authenticate("SCRAM-SHA-1", b"")),
    (b"STARTTLS\r\n", c.StartTls()),
    (b"LOGOUT\r\n", c.Logout()),
    (b'HAVESPACE "foobar" 435\r\n', c.HaveSpace("foobar", 435)),
    (b'HAVESPACE "x" 0\r\n', c.HaveSpace("x", 0)),
    (b'PUTSCRIPT "foo" {6+}\r\nkeep;\n\r\n', c.PutScript("foo", b"keep;\n")),
    (b'PUTSCRIPT {3+}\r\nfoo {5+}\r\nkeep;\r\n', c.PutScript("foo", b"keep;")),
    (b'PUTSCRIPT "a\\"b\\\\c" "x"\r\n', c.PutScript('a"b\\c', b"x")),
    (b"LISTSCRIPTS\r\n", c.ListScripts()),
    (b'SETACTIVE ""\r\n', c.SetActive("")),
    (b'SETACTIVE "vacation"\r\n', c.SetActive("vacation")),
    (b'GETSCRIPT "myscript"\r\n', c.GetScript("myscript")),
    (b'DELETESCRIPT "foo"\r\n', c.DeleteScript("foo")),
    (b'RENAMESCRIPT "foo" "bar"\r\n', c.RenameScript("foo", "bar")),
    (b'CHECKSCRIPT {5+}\r\nkeep;\r\n', c.CheckScript(b"keep;")),
    (b"NOOP\r\n", c.Noop(None)),
    (b'NOOP "STARTTLS-SYNC-42"\r\n', c.Noop(b"STARTTLS-SYNC-42")),
    (b"UNAUTHENTICATE\r\n", c.Unauthenticate()),
])
def test_wire_to_command(wire: bytes, command: c.Command) -> None:
    assert parse(wire) == command


@pytest.mark.parametrize("wire", [
    b"FROB\r\n", b"\r\n", b'"CAPABILITY"\r\n', b"CAPABILITY x\r\n",
    b'PUTSCRIPT "" "x"\r\n', b'SETACTIVE x\r\n', b'HAVESPACE "a" "1"\r\n',
    b'HAVESPACE "a" 01\r\n', b'GETSCRIPT "a\\x"\r\n', b'NOOP "a" "b"\r\n',
    b'AUTHENTICATE "PL AIN"\r\n', b'AUTHENTICATE PLAIN\r\n',
    b'GETSCRIPT "' + b"x" * (MAX_QUOTED + 1) + b'"\r\n',
    b'GETSCRIPT "\xe2\x80\xa8"\r\n',  # U+2028 LINE SEPARATOR (RFC 5804 §1.6)
    b'GETSCRIPT "e\xcc\x81"\r\n',  # not NFC
    b'GETSCRIPT "' + "é".encode() * 513 + b'"\r\n',
])
def test_malformed_is_bad(wire: bytes) -> None:
    with pytest.raises(Bad):
        parse(wire)


def test_sasl_responses() -> None:
    assert sasl_response(lines(b'"AGJvYgA="\r\n')[0]) == b"AGJvYgA="
    assert sasl_response(lines(b"{4+}\r\nAGJv\r\n")[0]) == b"AGJv"
    assert sasl_response(lines(b'""\r\n')[0]) == b""
    assert sasl_response(lines(b'"*"\r\n')[0]) is None
    assert sasl_response(lines(b"*\r\n")[0]) is None
    with pytest.raises(Bad):
        sasl_response(lines(b"AGJvYgA=\r\n")[0])


# -- round trip: a client-side renderer, written from RFC 5804 §4


def render_string(value: bytes) -> bytes:
    if len(value) <= MAX_QUOTED and not any(b in value for b in b"\r\n\0"):
        return b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
    return b"{%d+}\r\n%s" % (len(value), value)


def render(cmd: c.Command) -> bytes:
    def s(text: str | bytes) -> bytes:
        return render_string(text.encode() if isinstance(text, str) else text)

    args: list[bytes] = {
        c.Authenticate: lambda: [s(cmd.mechanism)] + ([s(cmd.initial)] if cmd.initial is not None else []),
        c.HaveSpace: lambda: [s(cmd.name), b"%d" % cmd.size],
        c.PutScript: lambda: [s(cmd.name), s(cmd.content)],
        c.SetActive: lambda: [s(cmd.name)],
        c.GetScript: lambda: [s(cmd.name)],
        c.DeleteScript: lambda: [s(cmd.name)],
        c.RenameScript: lambda: [s(cmd.old), s(cmd.new)],
        c.CheckScript: lambda: [s(cmd.content)],
        c.Noop: lambda: [s(cmd.tag)] if cmd.tag is not None else [],
    }.get(type(cmd), list)()  # type: ignore[no-untyped-call, attr-defined]
    name = type(cmd).__name__.upper()
    return b" ".join([name.encode(), *args]) + b"\r\n"


names = st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                              blacklist_characters="\u2028\u2029\x85"),
                min_size=1, max_size=40).map(lambda t: unicodedata.normalize("NFC", t))
scripts = st.binary(max_size=3000)
commands = st.one_of(
    st.builds(c.Authenticate, st.sampled_from(["PLAIN", "LOGIN", "SCRAM-SHA-256"]),
              st.none() | st.binary(max_size=40)),
    st.builds(c.HaveSpace, names, st.integers(0, 2**32 - 1)),
    st.builds(c.PutScript, names, scripts),
    st.builds(c.SetActive, names | st.just("")),
    st.builds(c.GetScript, names),
    st.builds(c.DeleteScript, names),
    st.builds(c.RenameScript, names, names),
    st.builds(c.CheckScript, scripts),
    st.builds(c.Noop, st.none() | st.binary(max_size=50)),
    st.sampled_from([c.Capability(), c.StartTls(), c.Logout(), c.ListScripts(),
                     c.Unauthenticate()]),
)


@settings(max_examples=300)
@given(cmd=commands)
def test_round_trip(cmd: c.Command) -> None:
    assert parse(render(cmd)) == cmd


@settings(max_examples=300)
@given(data=st.binary(max_size=300))
def test_random_bytes_give_commands_or_bad(data: bytes) -> None:
    wire = Wire(200, 200)
    wire.feed(data + b"\r\n")
    for _ in range(len(data) + 2):
        event = wire.next()
        if isinstance(event, NeedMore):
            break
        if isinstance(event, Line):
            try:
                parse_command(event)
            except Bad:
                pass
        else:
            assert isinstance(event, NeedLiteral | TooLong)

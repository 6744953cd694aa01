"""The LMTP command parser: tables of line -> command or reply, and fuzzing."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.lmtp.commands import (
    Command,
    Data,
    Help,
    Lhlo,
    Mail,
    Noop,
    Quit,
    Rcpt,
    Rset,
    Starttls,
    Vrfy,
    command_line,
)
from roost.lmtp.dispatch import COMMANDS
from roost.lmtp.errors import Reject
from roost.lmtp.parse import split_verb


def parse(line: bytes) -> Command:
    verb, args = split_verb(line)
    result: Command = COMMANDS[verb].parse(args)
    return result


def refusal(line: bytes) -> str:
    with pytest.raises(Reject) as info:
        parse(line)
    return f"{info.value.reply.code} {info.value.reply.status}"


@pytest.mark.parametrize("line,command", [
    (b"LHLO mx.example.com", Lhlo("mx.example.com")),
    (b"lhlo [127.0.0.1]", Lhlo("[127.0.0.1]")),
    (b"MAIL FROM:<a@b.example>", Mail("a@b.example")),
    (b"mail from:<>", Mail("")),
    (b"MAIL FROM: <a@b>", Mail("a@b")),
    (b"MAIL FROM:<a@b> SIZE=1000 BODY=8bitmime", Mail("a@b", 1000, "8BITMIME")),
    (b"MAIL FROM:<a@b> body=7BIT", Mail("a@b", None, "7BIT")),
    (b"MAIL FROM:<@relay.example,@r2.example:a@b>", Mail("a@b")),
    (b'MAIL FROM:<"john doe"@b>', Mail('"john doe"@b')),
    (b"RCPT TO:<bob>", Rcpt("bob")),
    (b"RCPT TO:<bob+Lists@Example.COM>", Rcpt("bob+Lists@Example.COM")),
    (b"RCPT TO:<postmaster>", Rcpt("postmaster")),
    (b"DATA", Data()),
    (b"RSET", Rset()),
    (b"NOOP whatever", Noop()),
    (b"QUIT", Quit()),
    (b"VRFY bob", Vrfy("bob")),
    (b"HELP", Help()),
    (b"HELP DATA", Help("DATA")),
    (b"STARTTLS", Starttls()),
])
def test_parses(line: bytes, command: Command) -> None:
    assert parse(line) == command


@pytest.mark.parametrize("line,code", [
    (b"LHLO", "501 5.5.4"),
    (b"LHLO two words", "501 5.5.4"),
    (b"MAIL", "501 5.5.4"),
    (b"MAIL TO:<a@b>", "501 5.5.4"),
    (b"MAIL FROM:a@b", "501 5.5.4"),
    (b"MAIL FROM:<a@b", "501 5.5.4"),
    (b"MAIL FROM:<a b@c>", "501 5.5.4"),
    (b"MAIL FROM:<a@-bad->", "501 5.5.4"),
    (b"MAIL FROM:<a@b>SIZE=1", "501 5.5.4"),
    (b"MAIL FROM:<a@b> SIZE=big", "501 5.5.4"),
    (b"MAIL FROM:<a@b> SIZE=1 SIZE=2", "501 5.5.4"),
    (b"MAIL FROM:<a@b> BODY=BINARYMIME", "501 5.5.4"),
    (b"MAIL FROM:<a@b> SMTPUTF8", "555 5.5.4"),
    (b"MAIL FROM:<a@b> X-FOO=bar", "555 5.5.4"),
    (b"RCPT TO:<>", "501 5.5.4"),
    (b"RCPT TO:<bob> NOTIFY=NEVER", "555 5.5.4"),
    (b"RCPT TO:<b\xc3\xb6b>", "501 5.5.4"),
    (b"DATA now", "501 5.5.4"),
    (b"STARTTLS please", "501 5.5.4"),
    (b"VRFY", "501 5.5.4"),
    (b"NOOP \x00", "501 5.5.4"),
])
def test_refuses(line: bytes, code: str) -> None:
    assert refusal(line) == code


_ATOM = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_+=", min_size=1, max_size=12)
_DOMAIN = st.lists(st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8),
                   min_size=1, max_size=3).map(".".join)
_ADDRESS = st.one_of(_ATOM, st.builds(lambda a, d: f"{a}@{d}", _ATOM, _DOMAIN))
_COMMANDS = st.one_of(
    st.builds(Lhlo, _DOMAIN),
    st.builds(Mail, st.one_of(st.just(""), _ADDRESS),
              st.one_of(st.none(), st.integers(0, 10**20 - 1)),
              st.sampled_from([None, "7BIT", "8BITMIME"])),
    st.builds(Rcpt, _ADDRESS),
    st.builds(Vrfy, _ATOM),
    st.builds(Help, st.one_of(st.just(""), _ATOM)),
    st.sampled_from([Data(), Rset(), Noop(), Quit(), Starttls()]),
)


@given(_COMMANDS)
def test_render_then_parse_round_trip(command: Command) -> None:
    assert parse(command_line(command).rstrip(b"\r\n")) == command


@given(st.binary(max_size=200))
def test_random_bytes_give_a_command_or_a_5xx(line: bytes) -> None:
    try:
        verb, args = split_verb(line)
        if verb in COMMANDS:
            COMMANDS[verb].parse(args)
    except Reject as refused:
        assert 500 <= refused.reply.code < 600
        assert refused.reply.render().endswith(b"\r\n")


@given(st.sampled_from(sorted(COMMANDS)), st.text(max_size=80))
def test_random_arguments_give_a_command_or_a_5xx(verb: str, args: str) -> None:
    try:
        parse(f"{verb} {args}".encode())
    except Reject as refused:
        assert 500 <= refused.reply.code < 600

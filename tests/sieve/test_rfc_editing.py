"""editheader (RFC 5293) as bytes: what the edited message really holds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.sieve import DefaultHost, Envelope, Keep, compile_script, evaluate
from roost.sieve.actions_core import header_value
from roost.sieve.message import MessageView

MESSAGE = b"From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n"


async def edited_after(value: str) -> bytes:
    script = ('require ["editheader", "variables", "encoded-character"];\n'
              f'set "v" "{value}";\naddheader "X-Note" "${{v}}";')
    outcome = await evaluate(compile_script(script), MESSAGE, Envelope(), DefaultHost())
    keep = outcome.actions[0]
    assert isinstance(keep, Keep) and keep.edited is not None, outcome
    return keep.edited


def header_lines(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


async def test_addheader_never_writes_raw_control_characters() -> None:
    """RFC 5293 §4: a value outside RFC 5322 "unstructured" (here NUL, bare CR, bare LF,
    ESC) is encoded (RFC 2047), never written raw; the header still reads back as given."""
    edited = await edited_after("a${hex:00}b${hex:0d}c${hex:0a}d${hex:1b}e")
    head = edited.split(b"\r\n\r\n", 1)[0]
    assert not any(b < 0x20 and b not in (0x09, 0x0D, 0x0A) for b in head)
    assert b"\r" not in head.replace(b"\r\n", b"") and b"\n" not in head.replace(b"\r\n", b"")
    assert MessageView(edited).header("X-Note") == ["a\x00b\rc\nd\x1be"]
    assert edited.endswith(b"\r\n\r\nbody\r\n")


async def test_addheader_folds_a_long_value_within_998_octets() -> None:
    """RFC 5293 §4 and RFC 5322 §2.1.1: a long value is folded at its spaces, no line
    over 998 characters, and unfolds to the value."""
    value = " ".join(f"word{i}" for i in range(400))
    edited = await edited_after(value)
    assert all(len(line) <= 998 for line in header_lines(edited))
    assert MessageView(edited).header("X-Note") == [value]


@given(st.text(max_size=120))
@settings(max_examples=300)
def test_any_added_value_reads_back_and_keeps_the_header_well_formed(value: str) -> None:
    """RFC 5293 §4, over any text: the header holds only printable ASCII, SP and HTAB
    between CRLF folds, and a header test sees the value as given (less outer blanks),
    even when the value itself looks like an RFC 2047 encoded-word."""
    view = MessageView(MESSAGE)
    view.add_header("X-Note", header_value("X-Note", value), last=False)
    raw = view.as_bytes()
    assert all(0x20 <= b < 0x7F or b == 0x09 for line in header_lines(raw) for b in line)
    assert MessageView(raw).header("X-Note") == [value.strip(" \t")]


def test_a_word_too_long_to_fold_is_encoded() -> None:
    """RFC 5293 §4: a value that cannot be folded into 998-character lines is encoded."""
    folded = header_value("X-Note", "x" * 2000)
    assert all(len(line) <= 998 for line in folded.split("\r\n"))
    assert MessageView(b"X-Note: " + folded.encode() + b"\r\n\r\n").header("X-Note") == ["x" * 2000]


def test_a_value_that_looks_encoded_is_encoded() -> None:
    """RFC 2047 §5: text that would read as an encoded-word is itself encoded."""
    assert header_value("X-Note", "=?utf-8?b?YQ==?=").startswith("=?utf-8?b?PT91")

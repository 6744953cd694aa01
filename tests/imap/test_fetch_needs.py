"""What a FETCH reads per message: `needs_of` over parsed commands.

A message list (`BODY.PEEK[HEADER.FIELDS (...)]`) must read only the
header block; anything else of the body needs the whole file.
"""

from __future__ import annotations

import pytest

from roost.imap import commands as c
from roost.imap.handlers.fetch_items import Needs, needs_of
from roost.imap.parse import parse_command
from roost.imap.wire import Line


def needs(items: str) -> Needs:
    command = parse_command(Line((b"a FETCH 1:* " + items.encode(),), ()))
    assert isinstance(command, c.Fetch)
    return needs_of(command.items)


@pytest.mark.parametrize("items,expected", [
    ("(FLAGS BODY.PEEK[HEADER.FIELDS (From To Subject Date Message-ID)])",
     Needs(parsed=False, body=True, sets_seen=False, header_only=True)),
    ("(BODY.PEEK[HEADER] BODY.PEEK[HEADER.FIELDS.NOT (Received)]<0.100> RFC822.HEADER)",
     Needs(parsed=False, body=True, sets_seen=False, header_only=True)),
    ("(ENVELOPE BODY[HEADER.FIELDS (Subject)])",
     Needs(parsed=True, body=True, sets_seen=True, header_only=True)),
    ("(BODY.PEEK[HEADER] BODY.PEEK[TEXT])", Needs(parsed=False, body=True, sets_seen=False)),
    ("BODY.PEEK[1.HEADER]", Needs(parsed=False, body=True, sets_seen=False)),
    ("(BODY.PEEK[HEADER] BINARY.SIZE[1])", Needs(parsed=False, body=True, sets_seen=False)),
    ("(RFC822.HEADER RFC822.SIZE RFC822)", Needs(parsed=False, body=True, sets_seen=True)),
    ("(FLAGS ENVELOPE)", Needs(parsed=True, body=False, sets_seen=False)),
])
def test_needs(items: str, expected: Needs) -> None:
    assert needs(items) == expected

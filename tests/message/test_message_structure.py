"""ENVELOPE / BODY / BODYSTRUCTURE of a table of messages, exact bytes.

Shapes follow the RFC 3501 §7.4.2 examples and Cyrus output (upper-case
type, subtype, parameter names and encoding).
"""

from __future__ import annotations

import pytest

from roost.message import parse_message

RFC3501_HEADER = (
    b"Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\r\n"
    b"From: Terry Gray <gray@cac.washington.edu>\r\n"
    b"Subject: IMAP4rev1 WG mtg summary and minutes\r\n"
    b"To: imap@cac.washington.edu\r\n"
    b"cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>\r\n"
    b"Message-Id: <B27397-0100000@cac.washington.edu>\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n"
    b"\r\n"
)
TERRY = b'(("Terry Gray" NIL "gray" "cac.washington.edu"))'


def test_rfc3501_envelope_example() -> None:
    parsed = parse_message(RFC3501_HEADER + b"Hello\r\n")
    assert parsed.envelope == (
        b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" '
        + TERRY + b" " + TERRY + b" " + TERRY + b" "
        b'((NIL NIL "imap" "cac.washington.edu")) '
        b'((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) '
        b'NIL NIL "<B27397-0100000@cac.washington.edu>")'
    )
    assert parsed.bodystructure == (
        b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 7 1 NIL NIL NIL NIL)'
    )
    assert parsed.body == b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 7 1)'


ALTERNATIVE = (
    b"From: a@b.c\r\nSubject: alt\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/alternative; boundary="XX"\r\n\r\n'
    b"preamble\r\n--XX\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n\r\nH=C3=A9llo\r\n"
    b"--XX\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>H&eacute;llo</p>\r\n"
    b"--XX--\r\nepilogue\r\n"
)
MIXED = (
    b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
    b"--b1\r\n\r\nbody text\r\n"
    b'--b1\r\nContent-Type: application/pdf; name="x.pdf"\r\n'
    b"Content-Disposition: attachment; filename*=utf-8''%C3%A9t%C3%A9.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n"
    b"--b1\r\nContent-Type: message/rfc822\r\n\r\n"
    b"From: x@y\r\nSubject: inner\r\n\r\ninner body\r\n--b1--\r\n"
)
X_AT_Y = b'((NIL NIL "x" "y"))'
A_AT_BC = b'((NIL NIL "a" "b.c"))'

STRUCTURES = [
    pytest.param(
        ALTERNATIVE,
        b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 10 0 NIL NIL NIL NIL)'
        b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 19 0 NIL NIL NIL NIL)'
        b' "ALTERNATIVE" ("BOUNDARY" "XX") NIL NIL NIL)',
        b'(("TEXT" "PLAIN" ("CHARSET" "utf-8") NIL NIL "QUOTED-PRINTABLE" 10 0)'
        b'("TEXT" "HTML" ("CHARSET" "utf-8") NIL NIL "7BIT" 19 0) "ALTERNATIVE")',
        id="multipart-alternative",
    ),
    pytest.param(
        MIXED,
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0 NIL NIL NIL NIL)'
        b'("APPLICATION" "PDF" ("NAME" "x.pdf") NIL NIL "BASE64" 8 NIL'
        b" (\"ATTACHMENT\" (\"FILENAME*\" \"utf-8''%C3%A9t%C3%A9.pdf\")) NIL NIL)"
        b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 39 (NIL "inner" ' + X_AT_Y + b" " + X_AT_Y
        + b" " + X_AT_Y + b' NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL'
        b' "7BIT" 10 0 NIL NIL NIL NIL) 3 NIL NIL NIL NIL) "MIXED" ("BOUNDARY" "b1") NIL NIL NIL)',
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 9 0)'
        b'("APPLICATION" "PDF" ("NAME" "x.pdf") NIL NIL "BASE64" 8)'
        b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 39 (NIL "inner" ' + X_AT_Y + b" " + X_AT_Y
        + b" " + X_AT_Y + b' NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL'
        b' "7BIT" 10 0) 3) "MIXED")',
        id="mixed-attachment-rfc822",
    ),
    pytest.param(
        b"From: a@b.c\nContent-Type: multipart/mixed\n\nno boundary\n",
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 1 NIL NIL NIL NIL)',
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 12 1)',
        id="multipart-without-boundary-is-text-plain",
    ),
    pytest.param(
        # As Cyrus and Dovecot: the body is all preamble, one empty part follows.
        b"Content-Type: multipart/mixed; boundary=zz\r\n\r\nno delimiter here\r\n",
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0 NIL NIL NIL NIL)'
        b' "MIXED" ("BOUNDARY" "zz") NIL NIL NIL)',
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 0 0) "MIXED")',
        id="multipart-without-delimiter-has-one-empty-part",
    ),
    pytest.param(
        b"Content-Type: multipart/mixed; boundary=zz\n\n--zz\nContent-Type: text/plain\n\n"
        b"unterminated\n",
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 13 1 NIL NIL NIL NIL) "MIXED"'
        b' ("BOUNDARY" "zz")'
        b" NIL NIL NIL)",
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 13 1) "MIXED")',
        id="no-close-delimiter-lf-only",
    ),
    pytest.param(
        b"Content-Type: multipart/digest; boundary=d\r\n\r\n--d\r\n\r\nSubject: s\r\n\r\nx\r\n--d--",
        b'(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 15 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)'
        b' ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0 NIL NIL NIL NIL) 2'
        b' NIL NIL NIL NIL) "DIGEST" ("BOUNDARY" "d") NIL NIL NIL)',
        b'(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 15 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL)'
        b' ("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0) 2) "DIGEST")',
        id="digest-default-message-rfc822",
    ),
    pytest.param(
        b"Content-Type: text/plain\r\nContent-ID: <id1>\r\nContent-Description: desc\r\n"
        b"Content-Language: en, de\r\nContent-Location: http://x/y\r\n"
        b"Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\r\nContent-Disposition: inline\r\n\r\nab",
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") "<id1>" "desc" "7BIT" 2 0 "Q2hlY2sgSW50ZWdyaXR5IQ=="'
        b' ("INLINE" NIL) ("en" "de") "http://x/y")',
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") "<id1>" "desc" "7BIT" 2 0)',
        id="extension-fields",
    ),
    pytest.param(
        b"Content-Type: image/png; name=\"a b.png\"\r\nContent-Transfer-Encoding: BASE64\r\n\r\n",
        b'("IMAGE" "PNG" ("NAME" "a b.png") NIL NIL "BASE64" 0 NIL NIL NIL NIL)',
        b'("IMAGE" "PNG" ("NAME" "a b.png") NIL NIL "BASE64" 0)',
        id="empty-body-non-text",
    ),
    pytest.param(
        b"Content-Type: garbage\r\n\r\nx",
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0 NIL NIL NIL NIL)',
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0)',
        id="invalid-content-type-defaults",
    ),
]


@pytest.mark.parametrize(("raw", "bodystructure", "body"), STRUCTURES)
def test_structure(raw: bytes, bodystructure: bytes, body: bytes) -> None:
    parsed = parse_message(raw)
    assert parsed.bodystructure == bodystructure
    assert parsed.body == body
    assert parsed.header_size + parsed.body_size == parsed.size == len(raw)


def test_nested_multipart_inside_multipart_with_missing_inner_close() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=outer\r\n\r\n"
        b"--outer\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n"
        b"--inner\r\n\r\na\r\n--outer\r\n\r\nb\r\n--outer--\r\n"
    )
    assert parse_message(raw).body == (
        b'((("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0) "ALTERNATIVE")'
        b'("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 1 0) "MIXED")'
    )


def test_longer_boundary_is_not_a_delimiter() -> None:
    raw = (
        b"Content-Type: multipart/mixed; boundary=ab\r\n\r\n--ab\r\n\r\n--abc\r\n--ab--\r\n"
    )
    assert parse_message(raw).body == (
        b'(("TEXT" "PLAIN" ("CHARSET" "us-ascii") NIL NIL "7BIT" 5 0) "MIXED")'
    )


def test_deep_nesting_is_bounded() -> None:
    depth = 500
    raw = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(depth)
    ) + b"\r\nleaf\r\n"
    parsed = parse_message(raw)
    assert parsed.body.startswith(b"((((")
    assert parsed.size == len(raw)


EMPTY_ENVELOPE = b"(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"

ENVELOPES = [
    pytest.param(b"", EMPTY_ENVELOPE, id="empty-input"),
    pytest.param(b"\r\nbody only", EMPTY_ENVELOPE, id="no-header"),
    pytest.param(
        b"Subject: \r\n\r\n", b'(NIL "" NIL NIL NIL NIL NIL NIL NIL NIL)', id="empty-subject"
    ),
    pytest.param(
        b"Subject: long\r\n\tfolded  line\r\nTo:\r\n\r\n",
        b'(NIL "long\tfolded  line" NIL NIL NIL NIL NIL NIL NIL NIL)',
        id="folded-subject-empty-to",
    ),
    pytest.param(
        b"From: a@b\r\nSender: s@t\r\nReply-To: r@u\r\n\r\n",
        b'(NIL NIL ((NIL NIL "a" "b")) ((NIL NIL "s" "t")) ((NIL NIL "r" "u"))'
        b" NIL NIL NIL NIL NIL)",
        id="explicit-sender-reply-to",
    ),
    pytest.param(
        b"To: undisclosed-recipients:;\r\n\r\n",
        b'(NIL NIL NIL NIL NIL ((NIL NIL "undisclosed-recipients" NIL)(NIL NIL NIL NIL))'
        b" NIL NIL NIL NIL)",
        id="empty-group",
    ),
    pytest.param(
        b'Cc: Team: "Q\\"x" <c@d>, e@f;, bob, <@r1,@r2:u@h>, g@h (Gee Aitch)\r\n\r\n',
        b'(NIL NIL NIL NIL NIL NIL ((NIL NIL "Team" NIL)("Q\\"x" NIL "c" "d")'
        b'(NIL NIL "e" "f")(NIL NIL NIL NIL)(NIL NIL "bob" "unspecified-domain")'
        b'(NIL "@r1,@r2" "u" "h")("Gee Aitch" NIL "g" "h")) NIL NIL NIL)',
        id="group-route-comment-no-domain",
    ),
    pytest.param(
        b"Subject: caf\xc3\xa9\r\nFrom: J\xc3\xb6rg <j@x>\r\n\r\n",
        b'(NIL {5}\r\ncaf\xc3\xa9 (({5}\r\nJ\xc3\xb6rg NIL "j" "x")) (({5}\r\nJ\xc3\xb6rg NIL'
        b' "j" "x")) (({5}\r\nJ\xc3\xb6rg NIL "j" "x")) NIL NIL NIL NIL NIL)',
        id="8bit-header-literal",
    ),
    pytest.param(
        b"Subject: =?utf-8?q?caf=C3=A9?=\r\nIn-Reply-To: <a@b>\r\n\r\n",
        b'(NIL "=?utf-8?q?caf=C3=A9?=" NIL NIL NIL NIL NIL NIL "<a@b>" NIL)',
        id="encoded-word-stays-raw",
    ),
    pytest.param(
        b"From: <>\r\n\r\n",
        b'(NIL NIL ((NIL NIL "" "unspecified-domain")) ((NIL NIL "" "unspecified-domain"))'
        b' ((NIL NIL "" "unspecified-domain")) NIL NIL NIL NIL NIL)',
        id="null-address-as-cyrus",
    ),
    pytest.param(
        b"To: (team) john@x.test (John Doe)\r\n\r\n",
        b'(NIL NIL NIL NIL NIL (("John Doe" NIL "john" "x.test")) NIL NIL NIL NIL)',
        id="trailing-comment-is-the-name",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), ENVELOPES)
def test_envelope(raw: bytes, expected: bytes) -> None:
    assert parse_message(raw).envelope == expected


def test_bodystructure_joins_rfc2231_continuations() -> None:
    raw = (b"Content-Type: application/x; name*0*=utf-8''%C3%A9; name*1=\" x\"\r\n"
           b"Content-Disposition: attachment; filename*0=\"lo\"; filename*1=\"ng\"\r\n\r\nx")
    assert parse_message(raw).bodystructure == (
        b'("APPLICATION" "X" ("NAME*" "utf-8\'\'%C3%A9%20x") NIL NIL "7BIT" 1 NIL'
        b' ("ATTACHMENT" ("FILENAME" "long")) NIL NIL)')


def test_message_global_is_a_plain_part_as_on_cyrus() -> None:
    raw = (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: message/global\r\n\r\nSubject: inner\r\n\r\nbody\r\n--b--\r\n")
    assert parse_message(raw).body == b'(("MESSAGE" "GLOBAL" NIL NIL NIL "7BIT" 22) "MIXED")'

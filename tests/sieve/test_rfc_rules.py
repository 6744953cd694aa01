"""General rules of the Sieve RFCs, checked over many inputs (hypothesis) and
against the RFCs' own tables of examples."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roost.imap import mutf7
from roost.sieve import DefaultHost, Envelope, SieveCompileError, compile_script, evaluate
from roost.sieve.actions import Keep
from roost.sieve.addrspec import addr_spec, sieve_address
from roost.sieve.encoded import BadEncoding, decode_encoded
from roost.sieve.flags import flag_set
from roost.sieve.lexer import Kind, tokenize
from roost.sieve.message import MessageView
from roost.sieve.notify import method_problem
from roost.sieve.options import SieveOptions
from roost.sieve.program import Program
from roost.sieve.runtime import Context

LINE = st.text(alphabet=st.sampled_from(list("abc XYZ.,;:!{}[]()#*/0123456789-\t")), max_size=20).filter(
    lambda s: not s.startswith("."))  # dot-stuffing is text:'s own rule
ENDINGS = ("\n", "\r\n", "\r")


@given(st.lists(LINE, min_size=1, max_size=5), st.sampled_from(ENDINGS), st.sampled_from(ENDINGS))
@settings(max_examples=300)
def test_quoted_and_multiline_strings_agree_whatever_the_line_ends(
        lines: list[str], quoted_end: str, text_end: str) -> None:
    """RFC 5228 §2.4.2: a quoted string and a `text:` string with the same lines are
    the same string, whether the script file ends its lines in CRLF, LF or CR."""
    quoted = '"' + quoted_end.join(lines) + quoted_end + '"'
    multi = "text:" + text_end + text_end.join(lines) + text_end + "." + text_end
    values = [t.value for t in tokenize(f"set {quoted} {multi};") if t.kind is Kind.STRING]
    assert values[0] == values[1] == "".join(line + "\r\n" for line in lines)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_string_test_sees_quoted_and_text_strings_equal(ending: str) -> None:
    """RFC 5228 §2.4.2 through a run: `string :is` of the two forms is true for every line end."""
    script = ending.join([
        'require ["variables", "fileinto"];',
        'set "a" "one', 'two', '";',
        "set \"b\" text:", "one", "two", ".", ";",
        'if string :is "${a}" "${b}" { fileinto "equal"; }', ""])
    outcome = await evaluate(compile_script(script), b"Subject: x\r\n\r\nx\r\n", Envelope(), DefaultHost())
    assert [getattr(a, "mailbox", None) for a in outcome.actions] == ["equal"]


FLAG_WORD = st.sampled_from(["\\Seen", "\\SEEN", "\\seen", "\\Flagged", "\\Recent", "\\Bogus", "Work",
                             "work", "$Label1", "a(b", "c*", "d%", "", " ", "  ", "x\"y", "caf\u00e9"])


@given(st.lists(st.lists(FLAG_WORD, max_size=4).map(" ".join), max_size=4))
@settings(max_examples=300)
def test_flag_list_is_a_set_of_valid_flags(strings: list[str]) -> None:
    """RFC 5232 §2-§3: the words of every string, valid IMAP flags only, each once
    regardless of case, \\Recent and invalid flags ignored."""
    flags = flag_set(strings)
    lowered = [f.lower() for f in flags]
    assert len(lowered) == len(set(lowered))
    assert all(" " not in f and f for f in flags)
    assert "\\recent" not in lowered and "\\bogus" not in lowered
    assert not any(c in f for f in flags for c in '(%*"') and all(f.isascii() for f in flags)
    words = {w.lower() for s in strings for w in s.split()}
    assert set(lowered) == words & {"\\seen", "\\flagged", "work", "$label1"}
    assert flag_set([" ".join(flags)]) == flags  # stored and read back: the same set


@given(st.permutations(["A", "B", "\\Seen", "c"]))
def test_flag_list_order_and_grouping_do_not_matter(order: list[str]) -> None:
    """RFC 5232 §3.2: `addflag "a b"` is `addflag ["a", "b"]`, in any order."""
    assert sorted(flag_set([" ".join(order)])) == sorted(flag_set(order)) == sorted(order)


LOCAL = st.text(alphabet=st.sampled_from(list("abcXYZ09!#$%&'*+-/=?^_`{|}~")), min_size=1, max_size=8)
DOMAIN = st.lists(st.text(alphabet=st.sampled_from(list("abcXYZ09-")), min_size=1, max_size=6),
                  min_size=1, max_size=3).map(".".join)


@given(LOCAL, DOMAIN, st.sampled_from(["", "Bart ", '"Simpson, Bart" ', "J. R. "]))
def test_sieve_address_normalises_domain_only(local: str, domain: str, phrase: str) -> None:
    """RFC 5228 §2.4.2.3: addr-spec or phrase <addr-spec>; the domain is case-insensitive,
    the local part is not (RFC 5321 §2.4)."""
    written = f"{phrase}<{local}@{domain}>" if phrase else f"{local}@{domain}"
    assert sieve_address(written) == f"{local}@{domain.lower()}"


@pytest.mark.parametrize("written", [
    "", "@", "a@", "@b", "a@@b", "a b@c", "a@b c", "a..b@c", ".a@c", "a.@c", "a@b..c", "a@.b",
    "<a@b>", "x <a@b", "a@b, c@d", "g: a@b;", "<@r:a@b>", "a\x00@b", "a@b\n", '"a@b', "a@[1.2]]",
])
def test_not_a_sieve_address(written: str) -> None:
    """RFC 5228 §2.4.2.3: routes, groups, lists, bare angle brackets and broken addr-specs."""
    assert sieve_address(written) is None


@given(st.text(max_size=30))
def test_address_parsing_never_raises(text: str) -> None:
    result = sieve_address(text)
    assert result is None or addr_spec(result) == result


# RFC 5228 §2.4.2.4: the table of valid and invalid encodings, as the RFC gives it.
ENCODED_EXAMPLES = [
    ("$${hex:40}", "$@"), ("${hex: 40 }", "@"), ("${HEX: 40}", "@"), ("${hex:40", "${hex:40"),
    ("${hex:400}", "${hex:400}"), ("${hex:4${hex:30}}", "${hex:40}"), ("${unicode:40}", "@"),
    ("${ unicode:40}", "${ unicode:40}"), ("${UNICODE:40}", "@"), ("${UnICoDE:0000040}", "@"),
    ("${Unicode:40}", "@"), ("${Unicode:Cool}", "${Unicode:Cool}"),
    ("${hex:}", "${hex:}"), ("${unicode:}", "${unicode:}"), ("${hex: }", "${hex: }"),
    ("${hex:24 24}", "$$"), ("${hex:\r\n40\r\n}", "@"),
]


@pytest.mark.parametrize(("written", "decoded"), ENCODED_EXAMPLES)
def test_encoded_character_examples(written: str, decoded: str) -> None:
    """RFC 5228 §2.4.2.4: hex-pair-seq needs at least one hex-pair, so `${hex:}` stays as written."""
    assert decode_encoded(written) == decoded


@pytest.mark.parametrize("written", ["${unicode:200000}", "${Unicode:DF01}", "${unicode:D800}"])
def test_encoded_character_out_of_range_is_an_error(written: str) -> None:
    """RFC 5228 §2.4.2.4: a well-formed value outside Unicode scalar values is an error."""
    with pytest.raises(BadEncoding):
        decode_encoded(written)


async def test_rfc_example_hex_discards_message_b() -> None:
    """RFC 5228 §2.4.2.4: `"$${hex:24 24}"` is "$$$"."""
    script = 'require "encoded-character";\nif header :contains "Subject" "$${hex:24 24}" { discard; }'
    outcome = await evaluate(compile_script(script), b"Subject: $$$ money\r\n\r\nx\r\n", Envelope(), DefaultHost())
    assert not any(isinstance(a, Keep) for a in outcome.actions) and outcome.actions


@pytest.mark.parametrize("uri", [
    "mailto:stephan@example.org;?header=frop", "mailto:stephan@example.org?header<=frop",
    "mailto:stephan@example.org?header=fr>op", "mailto:stephan@example.org?header:=frop",
    "mailto:stephan%23example.org", "mailto:stephan@example.org?to=nico%23frop.example.org",
    "mailto:a b@example.org", "mailto:a@example.org?subject", "mailto:%zz@example.org", "mailto:",
    "mailto:a@example.org?subject=caf\u00e9",
])
def test_invalid_mailto_uris(uri: str) -> None:
    """RFC 5435 §3.2: a supported method's URI is syntax-checked (RFC 6068 §2)."""
    assert method_problem(uri) is not None


@pytest.mark.parametrize("uri", [
    "mailto:a@example.org", "mailto:a%40example.org", "mailto:?to=a@example.org",
    "mailto:a@example.org,b@example.org?subject=Hi%20there&body=x", "mailto:%22a%20b%22@example.org",
])
def test_valid_mailto_uris(uri: str) -> None:
    assert method_problem(uri) is None


@pytest.mark.parametrize("written", [
    "@wrong.example.com", "error", "error@", "Stephan Bosch error@example.org",
    "Stephan Bosch <error@example.org", " more error @  example.com  ", "@", "<>", "Error <",
    "Error <stephan", "Error <stephan@", "stephan@example.org,tss@example.net",
    "stephan@example.org,%&^&!!~", ".japanese@example.com", "japanese.@example.com",
    "japanese...localpart@example.com",
])
def test_constant_invalid_redirect_is_a_compile_error(written: str) -> None:
    """RFC 5228 §2.4.2.3, §4.2: a constant outbound address that is not a sieve-address."""
    with pytest.raises(SieveCompileError, match="not a valid email address"):
        compile_script(f'redirect "{written}";')


@pytest.mark.parametrize(("written", "normalised"), [
    ("Ok Good <stephan@example.org>", "stephan@example.org"), ("ok@example.com", "ok@example.com"),
    (" more  @  example.com  ", "more@example.com"), ("a . b @ Example . COM", "a.b@example.com"),
    ("\"J. Doe\" <jdoe@EXAMPLE.org>", "jdoe@example.org"), ("J. Doe <jdoe@example.org>", "jdoe@example.org"),
])
async def test_valid_redirects_are_normalised(written: str, normalised: str) -> None:
    """RFC 5228 §2.4.2.3 with RFC 5322 §4.4: the obsolete blanks around words and dots
    are accepted; the action carries the bare addr-spec."""
    outcome = await evaluate(compile_script(f'redirect "{written.replace(chr(34), chr(92) + chr(34))}";'),
                             b"Subject: x\r\n\r\nx\r\n", Envelope(), DefaultHost())
    assert [getattr(a, "address", None) for a in outcome.actions] == [normalised]


def store_name(name: str) -> str:
    ctx = Context(Program([]), MessageView(b""), Envelope(), DefaultHost(), SieveOptions(), datetime.now(UTC))
    return ctx.mailbox(name)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20))
def test_fileinto_names_reach_the_store_as_unicode(name: str) -> None:
    """RFC 5228 §4.1: a UTF-8 name is the mailbox's name; with sieve_utf8fileinto off
    the same name written in modified UTF-7 (RFC 3501 §5.1.3) means the same mailbox."""
    assert store_name(mutf7.encode(name)) == name
    try:
        mutf7.decode(name)
    except ValueError:
        assert store_name(name) == name

"""SASLprep (RFC 4013): the examples of §3 and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roost.auth.saslprep import SaslprepError, saslprep


@pytest.mark.parametrize(("given_text", "prepared"), [
    ("I\u00adX", "IX"),          # SOFT HYPHEN mapped to nothing
    ("user", "user"),            # no transformation
    ("USER", "USER"),            # case preserved
    ("\u00aa", "a"),             # NFKC
    ("\u2168", "IX"),            # NFKC
    ("a\u00a0b", "a b"),         # non-ASCII space mapped to SPACE
])
def test_rfc4013_examples(given_text: str, prepared: str) -> None:
    assert saslprep(given_text) == prepared


@pytest.mark.parametrize("text", [
    "\u0007",            # RFC 4013 §3: prohibited character
    "\u0627\u0031",      # RFC 4013 §3: bidi check
    "a\ue000",           # private use
    "a\U000e0001",       # tagging
])
def test_rfc4013_prohibited(text: str) -> None:
    with pytest.raises(SaslprepError):
        saslprep(text)


def test_unassigned_allowed_only_in_queries() -> None:
    unassigned = "\u0221"   # unassigned in Unicode 3.2
    with pytest.raises(SaslprepError):
        saslprep(unassigned)
    assert saslprep(unassigned, allow_unassigned=True) == unassigned


def test_right_to_left_string_is_fine() -> None:
    assert saslprep("\u0627\u0628") == "\u0627\u0628"


@given(st.text(max_size=30))
def test_idempotent(text: str) -> None:
    try:
        once = saslprep(text, allow_unassigned=True)
    except SaslprepError:
        return
    assert saslprep(once, allow_unassigned=True) == once

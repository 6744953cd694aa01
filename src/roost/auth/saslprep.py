"""SASLprep (RFC 4013): the stringprep profile for user names and passwords.

Passwords are prepared before they are hashed, so that the same password
typed as a composed or a decomposed character, or with a no-break space,
gives the same SCRAM secrets (RFC 5802 §2.2 Normalize()).
"""

from __future__ import annotations

import stringprep
import unicodedata


class SaslprepError(ValueError):
    """A string SASLprep prohibits (RFC 4013 §2.3-2.5)."""


_PROHIBITED = (
    stringprep.in_table_c12,  # non-ASCII space characters
    stringprep.in_table_c21,  # ASCII control characters
    stringprep.in_table_c22,  # non-ASCII control characters
    stringprep.in_table_c3,  # private use
    stringprep.in_table_c4,  # non-character code points
    stringprep.in_table_c5,  # surrogate code points
    stringprep.in_table_c6,  # inappropriate for plain text
    stringprep.in_table_c7,  # inappropriate for canonical representation
    stringprep.in_table_c8,  # change display properties / deprecated
    stringprep.in_table_c9,  # tagging characters
)


def saslprep(text: str, *, allow_unassigned: bool = False) -> str:
    """Prepare `text` with SASLprep; raise SaslprepError if it is prohibited.

    `allow_unassigned` selects RFC 3454 §7 "query" strings (what a client
    sends to be compared) over "stored" strings (what we keep), which must
    not contain unassigned code points (RFC 4013 §2.5).
    """
    # RFC 4013 §2.1: non-ASCII spaces map to SPACE, B.1 maps to nothing.
    mapped = "".join(
        " " if stringprep.in_table_c12(ch) else ch
        for ch in text
        if not stringprep.in_table_b1(ch)
    )
    # RFC 4013 §2.2: normalization form KC.
    prepared = unicodedata.ucd_3_2_0.normalize("NFKC", mapped)
    for ch in prepared:
        if any(table(ch) for table in _PROHIBITED):
            raise SaslprepError(f"prohibited character U+{ord(ch):04X}")
        if not allow_unassigned and stringprep.in_table_a1(ch):
            raise SaslprepError(f"unassigned code point U+{ord(ch):04X}")
    _check_bidi(prepared)
    return prepared


def _check_bidi(text: str) -> None:
    """RFC 3454 §6: right-to-left text must not mix with left-to-right text
    and must start and end with a right-to-left character."""
    rtl = [stringprep.in_table_d1(ch) for ch in text]
    if not any(rtl):
        return
    if any(stringprep.in_table_d2(ch) for ch in text):
        raise SaslprepError("mixes right-to-left and left-to-right characters")
    if not (rtl[0] and rtl[-1]):
        raise SaslprepError("right-to-left text must start and end with a right-to-left character")

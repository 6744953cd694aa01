"""encoded-character, RFC 5228 §2.4.2.4: ${hex:..} and ${unicode:..} in strings."""

from __future__ import annotations

import re

# hex-pair-seq / unicode-hex-seq: *blank value *(1*blank value) *blank, at least one value.
_ENCODED = re.compile(r"\$\{(hex|unicode):([ \t\r\n]*[0-9a-fA-F]+(?:[ \t\r\n]+[0-9a-fA-F]+)*[ \t\r\n]*)\}",
                      re.IGNORECASE)


class BadEncoding(ValueError):
    """A ${unicode:} value outside Unicode scalar values, which is an error."""


def _replace(match: re.Match[str]) -> str:
    kind, body = match.group(1).lower(), match.group(2).split()
    if kind == "hex":
        if any(len(b) > 2 for b in body):
            return match.group(0)
        raw = bytes(int(b, 16) for b in body)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return match.group(0)
    chars = []
    for b in body:
        value = int(b, 16)
        # RFC 5228 §2.4.2.4: outside 0-D7FF and E000-10FFFF is an error.
        if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
            raise BadEncoding(f"${{unicode:{b}}} is not a Unicode character")
        chars.append(chr(value))
    return "".join(chars)


def decode_encoded(text: str) -> str:
    """The string with its encoded characters decoded; malformed ones stay as written."""
    if "${" not in text:
        return text
    return _ENCODED.sub(_replace, text)

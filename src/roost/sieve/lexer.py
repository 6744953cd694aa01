"""Sieve lexical analysis, RFC 5228 §8.1.

Any input either yields a list of tokens ending in EOF or raises
SieveSyntaxError with a position: the lexer never raises anything else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from roost.sieve.errors import Position, SieveSyntaxError

MAX_NUMBER = 2**63 - 1
QUANTIFIERS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
PUNCTUATION = "[](){},;"


class Kind(Enum):
    IDENT = "identifier"
    TAG = "tag"
    NUMBER = "number"
    STRING = "string"
    PUNCT = "punctuation"
    EOF = "end of script"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    value: str | int
    pos: Position
    multiline: bool = False

    def describe(self) -> str:
        if self.kind is Kind.EOF:
            return "the end of the script"
        if self.kind is Kind.STRING:
            return "a string"
        return f"{self.kind.value} {self.value!r}"


def decode_source(source: bytes | str, strict: bool = True) -> str:
    """Script bytes to text: UTF-8 (RFC 5228 §2.2); with strict off, any octets."""
    if isinstance(source, str):
        return source
    try:
        return source.decode("utf-8")
    except UnicodeDecodeError as err:
        if not strict:
            # RFC 5228 §14 item 10: RFC 3028 allowed arbitrary octets.
            return source.decode("latin-1")
        head = source[: err.start].decode("utf-8")
        line = head.count("\n") + 1
        col = len(head) - (head.rfind("\n") + 1) + 1
        raise SieveSyntaxError(Position(line, col), "the script is not valid UTF-8") from None


class Lexer:
    """Splits script text into tokens, tracking line and column."""

    def __init__(self, text: str) -> None:
        # RFC 5228 §2.4.2 and §8.1 write line ends as CRLF; scripts saved with
        # bare LF (or CR) mean the same, so every line end is read as one "\n".
        self.text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.i = 0
        self.line = 1
        self.line_start = 0

    def pos(self, i: int | None = None) -> Position:
        index = self.i if i is None else i
        return Position(self.line, index - self.line_start + 1)

    def error(self, message: str, i: int | None = None) -> SieveSyntaxError:
        return SieveSyntaxError(self.pos(i), message)

    def newline_at(self, i: int) -> None:
        self.line += 1
        self.line_start = i + 1

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        text, n = self.text, len(self.text)
        while True:
            self.skip_space_and_comments()
            if self.i >= n:
                out.append(Token(Kind.EOF, "", self.pos()))
                return out
            c = text[self.i]
            if c in PUNCTUATION:
                out.append(Token(Kind.PUNCT, c, self.pos()))
                self.i += 1
            elif c == '"':
                out.append(self.quoted())
            elif c.isascii() and c.isdigit():
                out.append(self.number())
            elif c == ":":
                start = self.pos()
                self.i += 1
                name = self.identifier()
                if not name:
                    raise self.error("':' must be followed by a tag name")
                out.append(Token(Kind.TAG, ":" + name.lower(), start))
            elif c == "_" or (c.isascii() and c.isalpha()):
                start_i, start = self.i, self.pos()
                name = self.identifier()
                if name.lower() == "text" and self.i < n and text[self.i] == ":":
                    self.i += 1
                    out.append(self.multiline(start, start_i))
                else:
                    out.append(Token(Kind.IDENT, name.lower(), start))
            else:
                raise self.error(f"unexpected character {c!r}")

    def skip_space_and_comments(self) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            c = text[self.i]
            if c == "\n":
                self.newline_at(self.i)
                self.i += 1
            elif c in " \t":
                self.i += 1
            elif c == "#":
                end = text.find("\n", self.i)
                self.i = n if end < 0 else end
            elif text.startswith("/*", self.i):
                start = self.i
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.error("unterminated /* comment", start)
                for j in range(self.i, end):
                    if text[j] == "\n":
                        self.newline_at(j)
                self.i = end + 2
            else:
                return

    def identifier(self) -> str:
        text, n, start = self.text, len(self.text), self.i
        while self.i < n and (text[self.i] == "_" or (text[self.i].isascii() and text[self.i].isalnum())):
            self.i += 1
        if start < self.i and text[start].isdigit():
            raise self.error("a name cannot start with a digit", start)
        return text[start:self.i]

    def number(self) -> Token:
        text, n, start = self.text, len(self.text), self.i
        start_pos = self.pos()
        while self.i < n and text[self.i].isascii() and text[self.i].isdigit():
            self.i += 1
        value = int(text[start:self.i])
        if self.i < n and text[self.i].lower() in QUANTIFIERS:
            value *= QUANTIFIERS[text[self.i].lower()]
            self.i += 1
        if self.i < n and (text[self.i].isalnum() or text[self.i] == "_"):
            raise self.error(f"bad number: unexpected {text[self.i]!r} after the digits")
        if value > MAX_NUMBER:
            raise SieveSyntaxError(start_pos, "number too large")
        return Token(Kind.NUMBER, value, start_pos)

    def quoted(self) -> Token:
        """RFC 5228 §2.4.2: \\\\ and \\" are escapes; any other \\x is x.

        Line ends inside the string are CRLF (RFC 5228 §2.4.2 quoted-safe),
        as a multi-line string's lines are, so the two forms of the same
        lines are equal whatever line ends the script file uses.
        """
        text, n = self.text, len(self.text)
        start = self.pos()
        self.i += 1
        parts: list[str] = []
        while True:
            if self.i >= n:
                raise SieveSyntaxError(start, "unterminated string")
            c = text[self.i]
            if c == '"':
                self.i += 1
                return Token(Kind.STRING, "".join(parts), start)
            if c == "\\":
                if self.i + 1 >= n:
                    raise SieveSyntaxError(start, "unterminated string")
                c = text[self.i + 1]
                self.i += 1
            if c == "\n":
                self.newline_at(self.i)
                parts.append("\r\n")
            else:
                parts.append(c)
            self.i += 1

    def multiline(self, start: Position, start_i: int) -> Token:
        """RFC 5228 §2.4.2: `text:` to a line of a lone ".", with dot-stuffing."""
        text, n = self.text, len(self.text)
        while self.i < n and text[self.i] in " \t":
            self.i += 1
        if self.i < n and text[self.i] == "#":
            end = text.find("\n", self.i)
            self.i = n if end < 0 else end
        if self.i >= n or text[self.i] != "\n":
            raise self.error("'text:' must be followed by the end of the line")
        self.newline_at(self.i)
        self.i += 1
        lines: list[str] = []
        while True:
            if self.i >= n:
                raise SieveSyntaxError(start, "unterminated multi-line string (no line with a lone '.')")
            end = text.find("\n", self.i)
            line = text[self.i:] if end < 0 else text[self.i:end]
            if end >= 0:
                self.newline_at(end)
            self.i = n if end < 0 else end + 1
            if line == ".":
                return Token(Kind.STRING, "".join(lines), start, multiline=True)
            if end < 0:
                raise SieveSyntaxError(start, "unterminated multi-line string (no line with a lone '.')")
            lines.append((line[1:] if line.startswith("..") else line) + "\r\n")


def tokenize(source: bytes | str, strict: bool = True) -> list[Token]:
    """Tokens of a whole script, or SieveSyntaxError."""
    return Lexer(decode_source(source, strict)).tokens()

"""A seeded corpus of multilingual messages for the search benchmarks.

bench/mboxgen.py's vocabulary (57 English words) is fine for FETCH but says
nothing about a full-text index, whose cost grows with the vocabulary.
Here each language has a Zipf-distributed vocabulary of pseudo-words built
from its own syllables (Latin with accents, German, Cyrillic, Japanese
kana/kanji), plus a few real words the benchmarks search for. Messages
come in the shapes that exercise the decoding the index relies on:
RFC 2047 subjects and names, quoted-printable ISO-8859-1, base64 KOI8-R
and UTF-8, multipart/alternative with HTML, multipart/mixed with a text
attachment and a binary one (base64), forwarded message/rfc822.

    python -m bench.search_corpus --count 1000 --seed 7 -o /tmp/corpus.mbox
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.utils import format_datetime, formataddr

from bench.mboxgen import to_mbox

SYLLABLES = {
    "en": ["ba", "be", "con", "de", "ex", "in", "ing", "ment", "o", "pro", "re", "ser", "ta", "ter", "tion", "u", "ver", "al", "an", "ar"],
    "fr": ["é", "è", "ou", "ai", "eu", "re", "ment", "tion", "la", "le", "mon", "cou", "vé", "ché", "pré", "dé", "çon"],
    "de": ["ä", "ö", "ü", "ung", "ge", "be", "ver", "ein", "sch", "str", "ei", "au", "tz", "ch", "ber", "ten"],
    "ru": ["ка", "ро", "ва", "не", "по", "ст", "ть", "ли", "ра", "ко", "да", "ми", "сч", "ёт", "жи", "ще"],
    "ja": ["の", "に", "は", "を", "た", "が", "で", "て", "と", "し", "れ", "さ", "請", "求", "書", "会", "議", "東", "京"],
}
REAL = {"en": ["meeting", "invoice", "quarterly", "hello", "server"],
        "fr": ["facture", "réunion", "trimestriel", "bonjour"],
        "de": ["Rechnung", "Besprechung", "Straße", "Grüße"],
        "ru": ["счёт", "встреча", "привет", "сервер"],
        "ja": ["請求書", "会議", "東京", "こんにちは"]}
CHARSETS = {"en": "us-ascii", "fr": "iso-8859-1", "de": "iso-8859-1", "ru": "koi8-r",
            "ja": "utf-8"}
NAMES = ("Alice Martin", "Bob Dupont", "Chloé Bernard", "Jürgen Groß", "Ирина Петрова",
         "田中 博", "Inès Petit", "Grace Hopper")
DOMAINS = ("example.com", "example.org", "corp.example", "mail.example.net")
VOCABULARY = 4000  # pseudo-words per language
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class Language:
    """One language's vocabulary with Zipf weights (rank r drawn ~ 1/r)."""

    def __init__(self, code: str, rng: random.Random) -> None:
        self.code = code
        syllables = SYLLABLES[code]
        words = {"".join(rng.choice(syllables) for _ in range(rng.randint(1, 4)))
                 for _ in range(VOCABULARY)}
        # The real words at ranks 1, 10, 100, ...: common to rare needles.
        self.words = sorted(words)
        for power, word in enumerate(REAL[code]):
            self.words.insert(10 ** power - 1, word)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]
        self.joiner = "" if code == "ja" else " "

    def prose(self, rng: random.Random, size: int) -> str:
        words = rng.choices(self.words, self.weights, k=max(1, size // 6))
        lines = [self.joiner.join(words[i:i + 10]) for i in range(0, len(words), 10)]
        return "\n".join(lines) + "\n"


def _encoded(text: str) -> str:
    """A header value as RFC 2047 words when it is not ASCII."""
    return text if text.isascii() else Header(text, "utf-8").encode(linesep="\r\n")


def _address(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    local = "".join(c for c in name.split()[0].lower() if c.isascii() and c.isalpha()) or "user"
    return formataddr((_encoded(name), f"{local}@{rng.choice(DOMAINS)}"))


def _leaf(lang: Language, rng: random.Random, size: int, subtype: str = "plain") -> str:
    """A text part in the language's charset, QP or base64 encoded."""
    text = lang.prose(rng, size)
    if subtype == "html":
        text = "<html><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>"
    charset = CHARSETS[lang.code]
    data = text.replace("\n", "\r\n").encode(charset, "replace")
    if charset == "us-ascii":
        cte, body = "7bit", data.decode()
    elif charset == "iso-8859-1":
        cte, body = "quoted-printable", quopri.encodestring(data).decode()
    else:
        cte, body = "base64", base64.encodebytes(data).decode()
    return (f"Content-Type: text/{subtype}; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n\r\n{body}")


def _binary(rng: random.Random, size: int) -> str:
    name = rng.choice(("scan.pdf", "photo.jpg", "archive.zip"))
    data = base64.encodebytes(rng.randbytes(size)).decode()
    return (f"Content-Type: application/octet-stream; name=\"{name}\"\r\n"
            f"Content-Disposition: attachment; filename=\"{name}\"\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{data}")


def _multipart(subtype: str, parts: list[str], rng: random.Random) -> str:
    boundary = f"=_b{rng.getrandbits(40):010x}"
    inner = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts)
    return (f"Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n"
            f"{inner}--{boundary}--\r\n")


def _entity(langs: list[Language], rng: random.Random, depth: int = 0) -> str:
    lang = rng.choice(langs)
    size = int(rng.paretovariate(1.5) * 600)
    shape = rng.random()
    if shape < 0.45 or depth:
        return _leaf(lang, rng, size)
    if shape < 0.75:
        return _multipart("alternative", [_leaf(lang, rng, size),
                                          _leaf(lang, rng, size, "html")], rng)
    if shape < 0.93:
        return _multipart("mixed", [_leaf(lang, rng, size), _leaf(lang, rng, size // 2),
                                    _binary(rng, rng.randint(2000, 40000))], rng)
    forwarded = _headers(langs, rng) + _entity(langs, rng, depth + 1)
    return _multipart("mixed", [_leaf(lang, rng, 200),
                                "Content-Type: message/rfc822\r\n\r\n" + forwarded], rng)


def _headers(langs: list[Language], rng: random.Random) -> str:
    lang = rng.choice(langs)
    date = EPOCH + timedelta(minutes=rng.randrange(0, 525_600))
    subject = lang.prose(rng, 30).strip().replace("\n", " ")
    cc = f"Cc: {_address(rng)}\r\n" if rng.random() < 0.3 else ""
    return (f"Received: from mx.example.net by mail.example.com id {rng.getrandbits(48):012x};"
            f"\r\n\t{format_datetime(date)}\r\n"
            f"Date: {format_datetime(date)}\r\nFrom: {_address(rng)}\r\nTo: {_address(rng)}\r\n"
            f"{cc}Subject: {_encoded(subject)}\r\n"
            f"Message-ID: <{rng.getrandbits(64):016x}@{rng.choice(DOMAINS)}>\r\n"
            "MIME-Version: 1.0\r\n")


def messages(count: int, seed: int) -> list[bytes]:
    """`count` messages, the same bytes for the same seed."""
    rng = random.Random(seed)
    langs = [Language(code, rng) for code in SYLLABLES]
    return [(_headers(langs, rng) + _entity(langs, rng)).encode("utf-8")
            for _ in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    with open(args.output, "wb") as out:
        out.write(to_mbox(messages(args.count, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

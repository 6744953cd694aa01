"""A reproducible mbox of realistic messages for the benchmarks.

Every server under comparison must receive the same bytes, so the corpus is
generated from a seed rather than shipped: plain text, multipart/alternative,
multipart/mixed with base64 attachments and forwarded message/rfc822 parts,
1-50 KB each, the shapes FETCH BODYSTRUCTURE and BODY[] see in real mailboxes.

    python -m bench.mboxgen --count 300 --seed 1 -o /tmp/bench.mbox
"""

from __future__ import annotations

import argparse
import base64
import random
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, formataddr

WORDS = ["meeting", "report", "budget", "quarterly", "server", "migration", "mailbox", "quota", "backup", "schedule", "review", "release", "deadline", "invoice", "customer", "ticket", "update", "patch", "deploy", "cluster", "index", "replica", "latency", "throughput", "storage", "partition", "the", "a", "of", "and", "to", "in", "for", "on", "with", "is", "are", "was", "were", "be", "this", "that", "it", "we", "you", "they", "please", "thanks", "regards", "attached", "see", "below", "let", "me", "know", "tomorrow", "today"]
NAMES = ("Alice Martin", "Bob Dupont", "Chloé Bernard", "David Smith", "Eva Müller",
         "Frank Olsen", "Grace Hopper", "Hiro Tanaka", "Inès Petit", "Jack Brown")
DOMAINS = ("example.com", "example.org", "mail.example.net", "corp.example")
ATTACHMENTS = (("report.pdf", "application/pdf"), ("photo.jpg", "image/jpeg"),
               ("data.csv", "text/csv"), ("archive.zip", "application/zip"))
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def _address(rng: random.Random) -> str:
    name = rng.choice(NAMES)
    local = name.split()[0].lower().replace("é", "e").replace("è", "e")
    # RFC 2047 encoded-words: servers (Cyrus) reject raw 8-bit header bytes.
    return formataddr((name, f"{local}@{rng.choice(DOMAINS)}"))


def _text(rng: random.Random, size: int) -> str:
    """Wrapped prose of about `size` bytes."""
    lines: list[str] = []
    line: list[str] = []
    total = width = 0
    while total < size:
        word = rng.choice(WORDS)
        line.append(word)
        total += len(word) + 1
        width += len(word) + 1
        if width > 70:
            lines.append(" ".join(line))
            line, width = [], 0
    lines.append(" ".join(line))
    return "\r\n".join(lines) + "\r\n"


def _headers(rng: random.Random, index: int, content_type: str) -> str:
    date = EPOCH + timedelta(minutes=rng.randrange(0, 525_600))
    subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8))).capitalize()
    cc = f"Cc: {_address(rng)}\r\n" if rng.random() < 0.3 else ""
    return (f"Return-Path: <bounce{index}@{rng.choice(DOMAINS)}>\r\n"
            f"Received: from mx.example.net (mx.example.net [192.0.2.{rng.randrange(1, 255)}])\r\n"
            f"\tby mail.example.com with ESMTPS id {rng.getrandbits(48):012x};\r\n"
            f"\t{format_datetime(date)}\r\n"
            f"From: {_address(rng)}\r\nTo: {_address(rng)}\r\n{cc}"
            f"Subject: {subject} #{index}\r\n"
            f"Date: {format_datetime(date)}\r\n"
            f"Message-ID: <{rng.getrandbits(64):016x}.{index}@example.com>\r\n"
            f"MIME-Version: 1.0\r\n{content_type}\r\n\r\n")


def _base64_part(rng: random.Random, size: int) -> str:
    filename, mime = rng.choice(ATTACHMENTS)
    blob = base64.encodebytes(rng.randbytes(size)).decode().replace("\n", "\r\n")
    return (f"Content-Type: {mime}; name=\"{filename}\"\r\n"
            f"Content-Disposition: attachment; filename=\"{filename}\"\r\n"
            f"Content-Transfer-Encoding: base64\r\n\r\n{blob}")


def _alternative(rng: random.Random, size: int, boundary: str) -> str:
    text = _text(rng, size // 2)
    html = "<html><body><p>" + text.replace("\r\n", "</p>\r\n<p>") + "</p></body></html>\r\n"
    return (f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
            f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}"
            f"--{boundary}--\r\n")


def message(rng: random.Random, index: int) -> bytes:
    """One message of a randomly chosen shape and size (1-50 KB)."""
    size = int(rng.triangular(1_000, 50_000, 4_000))
    kind = rng.choices(("plain", "alternative", "mixed", "forward"), (40, 25, 25, 10))[0]
    b1, b2 = f"=_b1_{index}_{rng.getrandbits(32):08x}", f"=_b2_{index}_{rng.getrandbits(32):08x}"
    if kind == "plain":
        return (_headers(rng, index, "Content-Type: text/plain; charset=utf-8")
                + _text(rng, size)).encode()
    if kind == "alternative":
        return (_headers(rng, index, f'Content-Type: multipart/alternative; boundary="{b1}"')
                + _alternative(rng, size, b1)).encode()
    if kind == "mixed":
        body = (f"--{b1}\r\nContent-Type: multipart/alternative; boundary=\"{b2}\"\r\n\r\n"
                + _alternative(rng, min(size // 4, 4_000), b2)
                + f"--{b1}\r\n" + _base64_part(rng, size * 9 // 16)  # base64 grows 4/3
                + f"--{b1}--\r\n")
        return (_headers(rng, index, f'Content-Type: multipart/mixed; boundary="{b1}"')
                + body).encode()
    inner = _headers(rng, index + 100_000, "Content-Type: text/plain; charset=utf-8") \
        + _text(rng, size // 2)
    body = (f"--{b1}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            + _text(rng, 300) + f"--{b1}\r\nContent-Type: message/rfc822\r\n\r\n"
            + inner + f"--{b1}--\r\n")
    return (_headers(rng, index, f'Content-Type: multipart/mixed; boundary="{b1}"')
            + body).encode()


def messages(count: int, seed: int) -> list[bytes]:
    """The corpus: the same `count` messages for the same seed, CRLF line ends."""
    rng = random.Random(seed)
    return [message(rng, index) for index in range(count)]


def to_mbox(corpus: list[bytes]) -> bytes:
    """mboxrd: a From_ line per message, LF line ends, '>From ' quoting."""
    out = []
    for raw in corpus:
        out.append(b"From bench@example.com Mon Jan  1 00:00:00 2024\n")
        for line in raw.replace(b"\r\n", b"\n").split(b"\n"):
            if line.lstrip(b">").startswith(b"From "):
                line = b">" + line
            out.append(line + b"\n")
    return b"".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-o", "--output", help="mbox file (default: stdout)")
    args = parser.parse_args(argv)
    mbox = to_mbox(messages(args.count, args.seed))
    if args.output:
        with open(args.output, "wb") as f:
            f.write(mbox)
    else:
        sys.stdout.buffer.write(mbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())

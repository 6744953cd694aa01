"""Sieve benchmark: compile time of a 2,000-line script, and evaluation time per
message of a 200-rule script on a 50 KB message. Prints medians.

Run: .venv/bin/python bench/sieve_bench.py [--rounds N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

from roost.sieve import (
    DefaultHost,
    Envelope,
    SieveOptions,
    compile_script,
    dump_compiled,
    evaluate,
    load_compiled,
)

HEADER = 'require ["fileinto", "imap4flags", "variables", "relational", "regex", "body", "envelope"];\n'


def rule(i: int) -> str:
    """Six lines of a typical filter rule, varied so nothing is shared."""
    kind = i % 4
    if kind == 0:
        test = f'header :contains ["From", "Sender"] ["list{i}@example.org", "news{i}.example.com"]'
    elif kind == 1:
        test = f'address :domain :is ["To", "Cc"] "dept{i}.example.com"'
    elif kind == 2:
        test = f'header :matches "Subject" "*[project-{i}]*"'
    else:
        test = f'anyof (header :regex "List-Id" "^<?team{i}\\\\.", envelope :localpart :is "from" "bot{i}")'
    return (f"# rule {i}\n"
            f"if {test} {{\n"
            f'    addflag "$Rule{i}";\n'
            f'    fileinto "INBOX.folder{i}";\n'
            f"    stop;\n"
            f"}}\n")


def script(rules: int) -> str:
    return HEADER + "".join(rule(i) for i in range(rules))


def message(size: int) -> bytes:
    head = ("From: Someone <someone@example.net>\r\nTo: me@example.com\r\nCc: team@example.com\r\n"
            "Subject: quarterly figures\r\nDate: Wed, 13 Mar 2024 16:45:00 +0100\r\n"
            "Message-ID: <bench@example.net>\r\n"
            + "".join(f"Received: from relay{i}.example.net by mx.example.com; "
                      f"Wed, 13 Mar 2024 16:4{i}:00 +0100\r\n" for i in range(8))
            + "\r\n")
    line = "The quick brown fox jumps over the lazy dog, again and again and again.\r\n"
    body = line * ((size - len(head)) // len(line) + 1)
    return (head + body).encode()[:size]


def median_ms(func: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    options = SieveOptions(max_script_size=1 << 24)

    big = script(2000 // 6)
    lines = big.count("\n")
    compile_ms = median_ms(lambda: compile_script(big, options), args.rounds)
    blob = dump_compiled(compile_script(big, options), big, options)
    load_ms = median_ms(lambda: load_compiled(blob, big, options), args.rounds)

    rules = script(200)
    program = compile_script(rules, options)
    raw = message(50 * 1024)
    envelope = Envelope("someone@example.net", "me@example.com")
    with asyncio.Runner() as runner:  # one loop; each run includes its run_until_complete
        outcome = runner.run(evaluate(program, raw, envelope, DefaultHost(), options))
        assert not outcome.errors, outcome.errors
        eval_ms = median_ms(lambda: runner.run(evaluate(program, raw, envelope, DefaultHost(), options)),
                            args.rounds * 5)

    print(f"compile {lines}-line script:            {compile_ms:8.2f} ms (median of {args.rounds})")
    print(f"load its compiled form ({len(blob)} bytes): {load_ms:8.2f} ms")
    print(f"evaluate 200 rules on a {len(raw) // 1024} KB message: {eval_ms:8.3f} ms/message "
          f"(median of {args.rounds * 5}; no rule matches, so every rule is tested)")


if __name__ == "__main__":
    main()

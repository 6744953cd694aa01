"""`roost config`: show every imapd.conf option, its value and its default."""

from __future__ import annotations

import argparse
import sys

from roost.config import OPTIONS, Config, ConfigError, Option, load_config, parse_config
from roost.config.kinds import Choice, Family

NAME = "config"
SUMMARY = "list every imapd.conf option with its value, default and doc"


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def option_rows(conf: Config) -> list[tuple[str, str, str, str]]:
    """(name, value, default, doc) for every option, partitions expanded."""
    rows: list[tuple[str, str, str, str]] = []
    for opt in OPTIONS:
        if isinstance(opt, Family):
            members = sorted(opt.read(conf).items())
            rows.extend((opt.prefix + member, path, "", opt.meaning) for member, path in members)
        elif isinstance(opt, Option):
            rows.append((opt.name, format_value(opt.read(conf)), format_value(opt.default),
                         opt.meaning))
    return rows


def markdown_table() -> str:
    """The options table of docs/options.md, generated from the code."""
    lines = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for opt in OPTIONS:
        choices = f" ({'/'.join(opt.choices)})" if isinstance(opt, Choice) else ""
        default = format_value(opt.default if isinstance(opt, Option) else None)
        shown = f"`{default}`" if default else "(none)"
        lines.append(f"| `{opt.name}` | {opt.kind}{choices} | {shown} | {opt.meaning} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="roost config", description=__doc__)
    parser.add_argument("-C", dest="config", help="imapd.conf to read")
    parser.add_argument("--list", action="store_true", help="list every option (the default)")
    parser.add_argument("--markdown", action="store_true", help="print the option table as Markdown")
    args = parser.parse_args(argv)
    if args.markdown:
        print(markdown_table())
        return 0
    try:
        conf = load_config(args.config) if args.config else parse_config("")
    except ConfigError as err:
        print(f"roost config: {err}", file=sys.stderr)
        return 1
    for name, value, default, doc in option_rows(conf):
        marker = "*" if value != default and default != "" else " "
        print(f"{marker} {name:<30} {value:<24} (default: {default or '-'})  {doc}")
    return 0

"""`roost config`: show every imapd.conf option, its value and its default."""

from __future__ import annotations

import argparse
import sys

from roost.config import OPTIONS, ConfigError, load_config, parse_config
from roost.config.imapd import Config

NAME = "config"
SUMMARY = "list every imapd.conf option with its value, default and doc"


def format_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def option_rows(conf: Config) -> list[tuple[str, str, str, str]]:
    """(name, value, default, doc) for every option, partitions expanded."""
    rows = []
    for opt in OPTIONS:
        if opt.name == "partition-*":
            for part, path in sorted(conf.partitions.items()):
                rows.append((f"partition-{part}", path, "", opt.doc))
            continue
        rows.append((opt.name, format_value(conf.get(opt.name)), format_value(opt.default), opt.doc))
    return rows


def markdown_table() -> str:
    """The options table of docs/options.md, generated from the code."""
    lines = ["| option | type | default | meaning |", "|---|---|---|---|"]
    for opt in OPTIONS:
        choices = f" ({'/'.join(opt.choices)})" if opt.choices else ""
        default = format_value(opt.default)
        shown = f"`{default}`" if default else "(none)"
        lines.append(f"| `{opt.name}` | {opt.type}{choices} | {shown} | {opt.doc} |")
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

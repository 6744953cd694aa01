"""The `roost` command: `roost TOOL [args]`, one module per tool in roost.tools.

Each tool module defines `NAME` (the subcommand, Cyrus's name where Cyrus has
one), `SUMMARY` (one line for `roost --help`) and `main(argv) -> int`, and
parses its own flags with argparse so `roost TOOL --help` works. Every tool
takes `-C imapd.conf` (default: $ROOST_CONFIG, then /etc/imapd.conf).
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from types import ModuleType

import roost.tools


def tool_modules() -> dict[str, ModuleType]:
    """Every tool in roost.tools, by subcommand name."""
    tools: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(roost.tools.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"roost.tools.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "main"):
            tools[module.NAME] = module
    return tools


def usage(tools: dict[str, ModuleType]) -> str:
    lines = ["usage: roost TOOL [options]   (roost TOOL --help for a tool's flags)", "", "tools:"]
    for name in sorted(tools):
        lines.append(f"  {name:<18} {tools[name].SUMMARY}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    tools = tool_modules()
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage(tools))
        return 0
    name = args[0]
    if name not in tools:
        print(f"roost: no tool named {name!r}\n\n{usage(tools)}", file=sys.stderr)
        return 2
    result: int = tools[name].main(args[1:])
    return result


if __name__ == "__main__":
    sys.exit(main())

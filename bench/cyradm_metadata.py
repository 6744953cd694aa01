"""The same cyradm annotation session against Roost and against Debian's Cyrus, compared.

Debian's `cyradm` (cyrus-admin) runs `info`, `mboxconfig` (shared and
`--private`, `none` to remove, a bad value, an unknown name) and
`setinfo`/`info` for the server against each server in turn on loopback.
The outputs are compared after leaving out what Roost does not keep by
design (docs/administration.md lists it: Cyrus's `annotsize`,
`foldermodseq`, `lastupdate`, `uniqueid`, `freespace`, ... and its
private copies of vendor entries) and normalising as bench.cyradm_acl
does (hierarchy separator, RFC 5530 codes in error lines).

    python -m bench.cyradm_metadata       # exit status 0 when they agree
"""

from __future__ import annotations

import re
import subprocess
import sys

from bench import cyrus_side
from bench.cyrus_side import CyrusSide
from bench.roost_side import RoostSide
from bench.sides import Side

PASSWORD = "secret"
SCRIPT = """cm user{s}carol
info user{s}carol
mboxconfig user{s}carol comment "hello world"
mboxconfig user{s}carol expire 30
mboxconfig user{s}carol expire soon
mboxconfig user{s}carol squat true
mboxconfig user{s}carol sharedseen true
mboxconfig user{s}carol news2mail foo@example.com
mboxconfig user{s}carol frob x
mboxconfig --private user{s}carol comment mine
info user{s}carol
mboxconfig user{s}carol comment none
info user{s}carol
setinfo comment servercomment
setinfo motd hi
setinfo admin mailto:postmaster@example.com
info
"""
CYRUS_ONLY = {
    "annotsize", "archive", "delete", "foldermodseq", "hasalarms", "lastpop", "lastupdate",
    "search-fuzzy-always", "sortorder", "synccrcs", "uniqueid", "freespace", "most", "total",
    "usercounters", "usermodseq",
}
# Cyrus lists these under private too: not Roost's entries.
CYRUS_ONLY_IN = {"private": {"expire", "news2mail", "sieve", "squat", "admin"}}


def _keep(scope: str, line: str) -> bool:
    name = line.strip().split(":", 1)[0]
    return name not in CYRUS_ONLY and name not in CYRUS_ONLY_IN.get(scope, set())


def session(port: int, admin: str, sep: str) -> tuple[list[str], list[str]]:
    """(stdout lines without Cyrus-only entries, stderr lines)."""
    result = subprocess.run(
        ["cyradm", "--user", admin, "--password", PASSWORD, "--server", "127.0.0.1",
         "--port", str(port)], input=SCRIPT.format(s=sep),
        capture_output=True, text=True, timeout=120, check=False)
    shown, scope = [], ""
    for line in result.stdout.replace(f"user{sep}", "user/").splitlines():
        if line.strip().endswith(":") and line.startswith("  ") and not line.startswith("    "):
            scope = line.strip()[:-1]
        if not line.startswith("    ") or _keep(scope, line):
            shown.append(line.rstrip())  # cyradm's trailing blanks depend on reply order
    errors = [re.sub(r"\[[A-Z]+\] ", "", line) for line in result.stderr.splitlines()]
    return shown, errors


def run(side: Side, port: int, admin: str, sep: str) -> tuple[list[str], list[str]]:
    side.start()
    try:
        return session(port, admin, sep)
    finally:
        side.stop()


def main() -> int:
    cyrus_side.ensure_installed()
    roost = run(RoostSide(0, PASSWORD, imap_port=21346, admin=True), 21346, "admin", "/")
    cyrus = run(CyrusSide(0, PASSWORD, imap_port=21345), 21345, cyrus_side.ADMIN, ".")
    for name, ours, theirs in (("stdout", roost[0], cyrus[0]), ("stderr", roost[1], cyrus[1])):
        for n in range(max(len(ours), len(theirs))):
            a = ours[n] if n < len(ours) else "(none)"
            b = theirs[n] if n < len(theirs) else "(none)"
            print(f"{'  ' if a == b else '!='} {name}: roost {a!r}"
                  + ("" if a == b else f"\n   {name}: cyrus {b!r}"))
    same = roost == cyrus
    print("the same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

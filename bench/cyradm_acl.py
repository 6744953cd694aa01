"""The same cyradm ACL session against Roost and against Debian's Cyrus, compared.

Debian's `cyradm` (cyrus-admin) runs one script of the commands the issue
names (cm, sam with every shorthand and with legacy letters, lam, dam, dm
refused until the admin grants itself `c`, then dm) against each server,
started in turn on loopback (bench.roost_side, bench.cyrus_side). The
outputs are compared after normalising what differs by configuration and
by design:

- the admin's name (`admin` here, `cyrus` there) and the hierarchy
  separator (Roost's site uses `/`, the Cyrus side `.`);
- the order of `lam` lines (cyradm prints a Perl hash: no order);
- Cyrus's `n` right (RFC 5257 ANNOTATE), which Roost does not have;
- Roost's RFC 5530 response codes (`[NOPERM]`) in error lines.

    python -m bench.cyradm_acl            # exit status 0 when they agree
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
cm user{s}carol{s}Shared
sam user{s}carol{s}Shared u0 none
sam user{s}carol{s}Shared u1 read
sam user{s}carol{s}Shared u2 post
sam user{s}carol{s}Shared u3 append
sam user{s}carol{s}Shared u4 write
sam user{s}carol{s}Shared u5 delete
sam user{s}carol{s}Shared u6 all
sam user{s}carol{s}Shared u7 lrswipcda
sam user{s}carol{s}Shared u8 lrc
sam user{s}carol{s}Shared u9 lrk
sam user{s}carol{s}Shared -u9 x
lam user{s}carol
lam user{s}carol{s}Shared
dam user{s}carol{s}Shared u1
lam user{s}carol{s}Shared
dm user{s}carol{s}Shared
lm user{s}carol*
sam user{s}carol{s}Shared {admin} c
dm user{s}carol{s}Shared
lm user{s}carol*
cm announcements
lam announcements
"""


def session(port: int, admin: str, sep: str) -> tuple[list[str], list[str]]:
    """(stdout blocks, one per command, lam blocks sorted; stderr lines sorted)."""
    result = subprocess.run(
        ["cyradm", "--user", admin, "--password", PASSWORD, "--server", "127.0.0.1",
         "--port", str(port)], input=SCRIPT.format(s=sep, admin=admin),
        capture_output=True, text=True, timeout=120, check=False)

    def normal(text: str) -> str:
        text = text.replace(admin, "ADMIN").replace(f"user{sep}", "user/")
        text = text.replace(f"carol{sep}", "carol/")
        text = re.sub(r"\[[A-Z]+\] ", "", text)
        return re.sub(r"^(\S+ [a-z]*?)n$", r"\1", text, flags=re.MULTILINE)  # rights: no n

    blocks = [block.strip().splitlines()
              for block in normal(result.stdout).split("127.0.0.1> ")]
    shown = ["\n".join(sorted(b[1:]) if b and b[0].startswith("lam") else b) for b in blocks]
    return shown, sorted(normal(result.stderr).splitlines())


def run(side: Side, port: int, admin: str, sep: str) -> tuple[list[str], list[str]]:
    side.start()
    try:
        return session(port, admin, sep)
    finally:
        side.stop()


def main() -> int:
    cyrus_side.ensure_installed()
    roost = run(RoostSide(0, PASSWORD, imap_port=21344, admin=True), 21344, "admin", "/")
    cyrus = run(CyrusSide(0, PASSWORD, imap_port=21343), 21343, cyrus_side.ADMIN, ".")
    same = roost == cyrus
    for name, (ours, theirs) in {"stdout": (roost[0], cyrus[0]),
                                 "stderr": (roost[1], cyrus[1])}.items():
        for n in range(max(len(ours), len(theirs))):
            a = ours[n] if n < len(ours) else "(none)"
            b = theirs[n] if n < len(theirs) else "(none)"
            mark = "  " if a == b else "!="
            print(f"{mark} {name} {n}: roost {a!r}" + ("" if a == b else f"\n   cyrus {b!r}"))
    print("the same" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

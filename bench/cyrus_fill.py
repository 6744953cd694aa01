"""Fill a bench Cyrus mailbox straight through its spool: 100,000 messages in minutes.

Cyrus's lmtpd takes 26-49 deliveries/s on the shared bench machine, so
100,000 messages by LMTP would take about an hour before anything is
measured. A site migrating mail does this instead: write the messages as
files into the mailbox's directory and let `reconstruct` add them to the
index. Cyrus 3.6 keeps a mailbox in the directory `mbpath` names
(`spool/uuid/...` for a user's mailbox), one file per message named
`UID.` (with the dot); `reconstruct` finds the files its cyrus.index does
not list and adds them (`uid N found - adding`), parsing each as lmtpd
would. The corpus is already CRLF, as Cyrus keeps messages on disk.

The tools run as the cyrus user (they refuse root's files), and the
mailbox must be empty: UIDs are taken from 1.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from bench.cyrus_side import CYRUS_BIN, CyrusSide

TOOL_TIMEOUT = 3600.0


def as_cyrus(side: CyrusSide, tool: str, *args: str) -> str:
    """Run one of Cyrus's tools as the cyrus user on the side's config; its stdout."""
    done = subprocess.run(["runuser", "-u", "cyrus", "--", str(CYRUS_BIN / tool),
                           "-C", str(side.root / "imapd.conf"), *args],
                          capture_output=True, text=True, check=True, timeout=TOOL_TIMEOUT)
    return done.stdout


def fill_spool(side: CyrusSide, mailbox: str, raws: list[bytes]) -> float:
    """Write `raws` as UIDs 1.. of the empty `mailbox` and reconstruct it; messages/s."""
    start = time.perf_counter()
    directory = Path(as_cyrus(side, "mbpath", mailbox).strip())
    if any(directory.glob("*.")):
        raise RuntimeError(f"{mailbox} is not empty: the fill numbers its messages from 1")
    for uid, raw in enumerate(raws, 1):
        (directory / f"{uid}.").write_bytes(raw)
    subprocess.run(["chown", "-R", "cyrus:mail", str(directory)], check=True)
    as_cyrus(side, "reconstruct", mailbox)
    return len(raws) / (time.perf_counter() - start)

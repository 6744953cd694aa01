"""Long tool runs draw a rich progress bar on a terminal, and nothing in a pipe."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

from tests.harness.site import Site
from tests.tools.damage import fill, tool


def run_on_terminal(site: Site, *argv: str) -> tuple[int, str, str]:
    """The tool with stderr on a pseudo-terminal (as an admin at a shell), stdout piped."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen([sys.executable, "-m", "roost.cli", argv[0], "-C",
                                 str(site.conf_path), *argv[1:]],
                                stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        seen = b""
        while True:  # until the terminal closes: the tool has ended
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        out, _ = proc.communicate(timeout=60)
        return proc.returncode, out.decode(), seen.decode(errors="replace")
    finally:
        os.close(master)


async def test_scrub_and_reconstruct_show_progress_on_a_terminal(site: Site) -> None:
    await fill(site, {"user.bob": range(1, 3), "user.bob.Sent": range(3, 5),
                      "user.bob.Sent.2024": range(5, 6)})
    status, out, terminal = run_on_terminal(site, "scrub")
    assert (status, out) == (0, "")
    assert "scrub: hashing bodies" in terminal
    status, out, terminal = run_on_terminal(site, "reconstruct", "-r", "user/bob")
    assert status == 0
    assert out == "user/bob\nuser/bob/Sent\nuser/bob/Sent/2024\n"
    assert "reconstruct user/bob" in terminal
    assert await tool(site, "scrub") == (0, "", "")  # a pipe: no bar, nothing on stderr

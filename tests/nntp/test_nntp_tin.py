"""tin (Debian), a real full-screen newsreader, driven through tmux: it logs
in with AUTHINFO, lists the group and shows an article. Waits are bounded
polls of the screen; the test skips only when tin or tmux is missing."""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import pytest
from tests.harness.site import PASSWORD
from tests.nntp.conftest import RunningNntp

pytestmark = pytest.mark.skipif(not (shutil.which("tin") and shutil.which("tmux")),
                                reason="needs tin and tmux (scripts/install-test-clients.sh)")


async def _tmux(socket: str, *args: str, output: bool = False) -> str:
    """Run a tmux command on our own server (`-L socket`). Only capture-pane's
    output is read: the server a first command starts keeps any pipe open."""
    proc = await asyncio.create_subprocess_exec(
        "tmux", "-L", socket, *args, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE if output else asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    out, _ = await asyncio.wait_for(proc.communicate(), 10)
    return (out or b"").decode("utf-8", "replace")


async def _screen_shows(session: str, text: str, tries: int = 100) -> str:
    screen = ""
    for _ in range(tries):
        screen = await _tmux(session, "capture-pane", "-p", "-t", session, output=True)
        if text in screen:
            return screen
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} never appeared; the screen:\n{screen}")


async def test_tin_lists_a_group_and_reads_an_article(nntp_server: RunningNntp,
                                                      tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    auth = home / ".newsauth"
    auth.write_text(f"127.0.0.1 {PASSWORD} bob\n")
    auth.chmod(0o600)
    (home / ".newsrc").write_text("test.one:\n")
    session = f"roost-tin-{uuid.uuid4().hex[:8]}"
    await _tmux(session, "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
                f"env -u COLUMNS -u LINES HOME={home} TERM=screen tin -r -A -g 127.0.0.1 -p {nntp_server.port}")
    try:
        await _screen_shows(session, "Press <RETURN> to continue")
        await _tmux(session, "send-keys", "-t", session, "Enter")
        await _screen_shows(session, "Group Selection")
        groups = await _screen_shows(session, "test.one")
        assert "3  test.one" in groups
        await _tmux(session, "send-keys", "-t", session, "Enter")
        index = await _screen_shows(session, "Article 2")
        assert "Article 1" in index and "Alice" in index
        await _tmux(session, "send-keys", "-t", session, "Enter")
        article = await _screen_shows(session, ".A line starting with a dot.")
        assert "Body of article 1." in article
    finally:
        await _tmux(session, "kill-server")

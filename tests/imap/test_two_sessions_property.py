"""Property: random interleavings of two sessions never leave one stuck and
leave the store consistent (issue 6, "Tests").

Two real sessions of bob over real sockets, on a fresh store per example,
take turns at CREATE, RENAME, DELETE, APPEND, SELECT, FETCH and
STORE+EXPUNGE. The oracle is the store itself: a session's selected mailbox
is known by id, so after every step the test knows whether it still exists.
Every command must get its tagged reply (a stuck session times out); a
session whose selected mailbox another one deleted gets `* BYE` before the
tagged reply of its next command and is closed, and reconnects; one whose
mailbox was renamed keeps working; `check()` is clean at the end.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from tests.harness.backend import examples
from tests.harness.imap import ImapTranscript, RunningImap, connect, running_imap
from tests.harness.site import make_site
from tests.imap.test_selected_mailbox_changes import BYE

from roost.store.names import user_inbox

NAMES = ("Box1", "Box2", "Box1/Sub", "INBOX", "New", "Box2/Deep")  # the first 3 exist
KINDS = ("create", "rename", "delete", "append", "select", "fetch", "expunge",
         "select", "delete", "fetch")  # doubled: what makes a selected mailbox vanish
STEP = st.tuples(st.sampled_from(KINDS), st.integers(0, 1), st.sampled_from(NAMES),
                 st.sampled_from(NAMES))


@dataclass
class Player:
    """One session and what the test knows of it."""

    client: ImapTranscript
    selected: int | None = None  # the store id of its selected mailbox
    name: str = ""  # its internal name when selected
    tags: int = 0


async def reply(player: Player, line: str) -> tuple[str, bool]:
    """Send one command; return (tagged reply, whether BYE came before it)."""
    player.tags += 1
    tag = f"p{player.tags}"
    await player.client.send(f"{tag} {line}\r\n".encode())
    bye = False
    while True:
        got = await player.client.readline()  # a stuck session times out here
        if got.startswith(tag + " "):
            assert " [SERVERBUG]" not in got, got
            return got[len(tag) + 1:], bye
        if got.startswith("* BYE"):
            assert got == "* " + BYE, got
            bye = True


async def mailbox_id(server: RunningImap, external: str) -> int:
    internal = user_inbox("bob") if external == "INBOX" else "user.bob." + external.replace(
        "/", ".")
    return await server.mailbox_id(internal)


async def step(server: RunningImap, player: Player, kind: str, one: str, two: str) -> None:
    alive = player.selected is not None and await _exists(server, player.selected)
    doomed = player.selected is not None and not alive
    if kind in ("fetch", "expunge") and not alive and not doomed:
        kind = "select"  # nothing selected: select instead, the step is not wasted
    line = {
        "create": f"CREATE {one}",
        "rename": f"RENAME {one} {two}",
        "delete": f"DELETE {one}",
        "append": f"APPEND {one} {{14+}}\r\nSubject: p\r\n\r\n",
        "select": f"SELECT {one}",
        "fetch": "UID FETCH 1:* (FLAGS)",
        "expunge": "UID STORE 1:* +FLAGS.SILENT (\\Deleted)",
    }[kind]
    answer, bye = await reply(player, line)
    if kind == "select":
        # SELECT closes whatever was selected first; a vanished one needs no BYE.
        player.selected = await mailbox_id(server, one) if answer.startswith("OK") else None
        player.name = (await server.ctx.store.mailbox_by_id(player.selected)).name \
            if player.selected is not None else ""
        return
    if doomed:
        assert bye, (line, answer)
    else:
        assert not bye, (line, answer)
    if bye:
        event("BYE: another session deleted the selected mailbox")
        await _reconnect(server, player)
        return
    if kind in ("fetch", "expunge"):
        assert answer.startswith("OK"), (line, answer)  # a renamed mailbox still works
        if (await server.ctx.store.mailbox_by_id(player.selected or 0)).name != player.name:
            event("worked on after a rename")
    if kind == "expunge":
        answer, bye = await reply(player, "EXPUNGE")
        assert answer.startswith("OK") and not bye, answer
    own_delete = kind == "delete" and answer.startswith("OK")
    if own_delete and player.selected is not None and not await _exists(server, player.selected):
        player.selected = None  # its own DELETE: unselected, no BYE


async def _exists(server: RunningImap, mailbox: int) -> bool:
    return mailbox in {info.id for info in await server.ctx.store.list_mailboxes()}


async def _reconnect(server: RunningImap, player: Player) -> None:
    """After BYE the server closes; the client logs in again and carries on."""
    try:
        got = await player.client.readline()
        raise AssertionError(f"expected the connection to close, got {got!r}")
    except ConnectionError:
        pass
    await player.client.close()
    player.client = await connect(server)
    player.selected = None


async def scenario(cert_dir: Path, first: tuple[str, str],
                   steps: list[tuple[str, int, str, str]]) -> None:
    with tempfile.TemporaryDirectory(prefix="roost-prop-") as root:
        async with running_imap(make_site(Path(root), cert_dir)) as server:
            for name in NAMES[:3]:  # a head start, so most steps find something to act on
                await server.ctx.store.create_mailbox("user.bob." + name.replace("/", "."))
            players = [Player(await connect(server)), Player(await connect(server))]
            try:
                for player, name in zip(players, first):  # both start in a mailbox
                    await step(server, player, "select", name, name)
                for kind, who, one, two in steps:
                    await step(server, players[who], kind, one, two)
                for player in players:  # neither is stuck at the end
                    await step(server, player, "fetch", "INBOX", "INBOX")
                assert server.ctx.store.check() == []
            finally:
                for player in players:
                    await player.client.close()


@settings(max_examples=examples(100), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(st.sampled_from(NAMES[:3]), st.sampled_from(NAMES[:3])),
       st.lists(STEP, min_size=4, max_size=24))
def test_two_sessions_never_get_stuck(cert_dir: Path, first: tuple[str, str],
                                      steps: list[tuple[str, int, str, str]]) -> None:
    asyncio.run(scenario(cert_dir, first, steps))

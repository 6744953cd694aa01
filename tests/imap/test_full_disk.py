"""APPEND on a full disk: a temporary NO naming the cause (RFC 5530 UNAVAILABLE),
never SERVERBUG, and the session and the mailbox carry on."""

from tests.harness.fullfs import fill, tiny_filesystem
from tests.harness.imap import connect, running_imap
from tests.harness.site import Site


async def test_append_on_a_full_disk_is_a_temporary_no(site: Site) -> None:
    with tiny_filesystem(site.root / "spool") as spool:
        async with running_imap(site) as server:
            imap = await connect(server)
            filler = fill(spool)
            await imap.play(r"""
                C: a1 APPEND INBOX {15}
                S: + go ahead
                C: Subject: x
                C: 
                C: y
                S: a1 NO [UNAVAILABLE] Server storage is full, try again later: No space left on device
                C: a2 STATUS INBOX (MESSAGES)
                S: * STATUS "INBOX" (MESSAGES 2)
                S: a2 OK {…}
            """)
            filler.unlink()
            await imap.play(r"""
                C: a3 APPEND INBOX {15+}
                C: Subject: x
                C: 
                C: y
                S: a3 OK [APPENDUID {…} 3] {…}
            """)
            await imap.close()

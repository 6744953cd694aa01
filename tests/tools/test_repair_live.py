"""The repair tools in their own processes while an IMAP server on the same
store serves: the server's clients see what reconstruct changed."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript, RunningImap
from tests.harness.site import Site
from tests.tools.damage import corrupt_body, delete_body, key_of, sql, tool


async def test_chk_cyrus_and_scrub_while_serving(site: Site, imap_server: RunningImap,
                                                 imap: ImapTranscript) -> None:
    await imap.select("INBOX")
    corrupt_body(site, 1)
    status, out, err = await tool(site, "chk_cyrus")
    assert (status, out) == (1, "user/bob\n")
    assert f"uid 1: body {key_of(1)} in partition default does not match its SHA-256" in err
    status, out, _ = await tool(site, "scrub")
    assert status == 1 and "user/bob: uid 1" in out
    assert (await imap.command("NOOP"))[-1].endswith("OK Completed")


async def test_reconstruct_while_serving_expunges_to_the_session(
        site: Site, imap_server: RunningImap, imap: ImapTranscript) -> None:
    selected = await imap.select("INBOX")
    assert "* 2 EXISTS" in selected
    delete_body(site, 2)
    status, out, _ = await tool(site, "reconstruct", "user/bob")
    assert (status, out) == (0, f"user/bob\n  uid 2: removed, body {key_of(2)} is gone\n")
    lines = await imap.command("NOOP")
    assert "* 2 EXPUNGE" in lines
    assert await tool(site, "chk_cyrus") == (0, "", "")
    # the server's writer still works after the tool's transaction
    lines = await imap.command("APPEND INBOX {4+}\r\nabcd")
    assert "[APPENDUID" in lines[-1] and " 3]" in lines[-1]


async def test_ctl_mboxlist_dump_load_round_trip_while_serving(
        site: Site, imap_server: RunningImap, imap: ImapTranscript) -> None:
    await imap.command("CREATE Sent")
    await imap.command("SETACL Sent alice lr")
    status, dumped, _ = await tool(site, "ctl_mboxlist", "-d")
    assert status == 0
    assert "user.bob.Sent\t0 default bob\tlrswipkxtea\talice\tlr\t\n" in dumped
    lines = dumped.splitlines(keepends=True)
    extra = [f"shared.n{n}\t0 default anyone\tlrs\tadmin\tlrswipkxtea\t\n" for n in range(1000)]
    sql(site, "SELECT 1")  # the index is readable beside the server
    status, out, err = await tool(site, "ctl_mboxlist", "-u",
                                  stdin="".join(lines + extra).encode())
    assert (status, out, err) == (0, "", "")
    status, again, _ = await tool(site, "ctl_mboxlist", "-d")
    assert sorted(again.splitlines()) == sorted(line.rstrip("\n") for line in lines + extra)
    listed = await imap.command('LIST "" "Shared Folders/shared/n99*"')
    assert len(listed) == 1 + 11


async def test_ctl_mboxlist_u_reports_bad_lines(site: Site) -> None:
    status, _, err = await tool(site, "ctl_mboxlist", "-u",
                                stdin=b"no tabs here\nshared.x\t0 nowhere \n")
    assert status == 1
    assert "line 1: expected NAME<TAB>TYPE PARTITION ACL" in err
    assert "line 2: no partition 'nowhere' in the configuration" in err

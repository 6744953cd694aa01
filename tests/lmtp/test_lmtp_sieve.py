"""Sieve at delivery, end to end: LMTP on a real socket, scripts in the sievedir
store, copies landing where the script says in the real store."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import pytest
from tests.lmtp.conftest import MakeRig
from tests.lmtp.sieve_rig import message

from roost.delivery import scripts as scripts_module
from roost.sieve import SieveOptions, compile_script, dump_compiled
from roost.store.api import MailboxNotFound

# The talk's filter, as Cyrus's documentation shows it (MISSION.md "Sieve").
CLASSIC = r"""require [ "fileinto", "imapflags" ];
if header :contains "From" [ "billg@microsoft.com",
        "robinson-west.com" ] {
    addflag "\\Seen";
}
elsif header :contains "X-BeenThere" "plug-announce" {
    fileinto "INBOX.plug.announce";
}
elsif header :contains "X-BeenThere" "plug@" {
    fileinto "INBOX.plug";
}
elsif header :contains "X-BeenThere" "plug-*@" {
    fileinto "INBOX.plug.other";
}
"""


async def test_the_classic_filter_of_cyrus_documentation(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    for name in ("user.bob.plug", "user.bob.plug.announce", "user.bob.plug.other"):
        await rig.store.create_mailbox(name)
    await rig.activate("bob", CLASSIC)
    sends = [
        message("Bill <billg@microsoft.com>", "from bill"),
        message("list@example.org", "announce", "X-BeenThere: plug-announce@lists.example\r\n"),
        message("list@example.org", "plug", "X-BeenThere: plug@lists.example\r\n"),
        message("list@example.org", "other", "X-BeenThere: plug-*@lists.example\r\n"),
        message("friend@example.org", "plain"),
    ]
    for raw in sends:
        [reply] = await rig.send("sender@example.org", ["bob@example.com"], raw)
        assert reply.startswith("250 2.0.0 <bob@example.com> Delivered")
    inbox = await rig.bodies("user.bob")
    assert [b"from bill" in b for b in inbox] == [True, False]
    assert await rig.flags("user.bob") == [frozenset({"\\Seen"}), frozenset()]
    assert [b"Subject: announce" in b for b in await rig.bodies("user.bob.plug.announce")] == [True]
    assert [b"Subject: plug\r\n" in b for b in await rig.bodies("user.bob.plug")] == [True]
    assert [b"Subject: other" in b for b in await rig.bodies("user.bob.plug.other")] == [True]
    assert await rig.flags("user.bob.plug") == [frozenset()]


async def test_every_reply_is_250_and_a_discard_stores_nothing(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", 'if header :contains "subject" "spam" { discard; }')
    replies = await rig.send("s@example.org", ["bob@example.com", "alice@example.com"],
                             message(subject="spam offer"))
    assert [r.split(" Delivered")[0] for r in replies] == [
        "250 2.0.0 <bob@example.com>", "250 2.0.0 <alice@example.com>"]
    assert await rig.bodies("user.bob") == []
    assert len(await rig.bodies("user.alice")) == 1  # alice has no script


async def test_fileinto_with_flags_copy_and_create(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", r"""require ["fileinto", "imap4flags", "copy", "mailbox"];
fileinto :copy :flags "\\Flagged" "INBOX.Lists";
fileinto :create "INBOX.New.Deep";
""")
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert await rig.flags("user.bob.Lists") == [frozenset({"\\Flagged"})]
    assert len(await rig.bodies("user.bob.New.Deep")) == 1
    assert await rig.bodies("user.bob") == []  # fileinto without :copy cancelled the keep


async def test_fileinto_a_missing_mailbox_without_create_keeps_in_inbox(
        make_rig: MakeRig, caplog: pytest.LogCaptureFixture) -> None:
    rig = await make_rig("")
    await rig.activate("bob", 'require "fileinto"; fileinto "INBOX.Nowhere";')
    with caplog.at_level(logging.INFO, "roost.delivery"):
        await rig.send("s@example.org", ["bob@example.com"], message())
    assert len(await rig.bodies("user.bob")) == 1
    assert "INBOX instead" in caplog.text
    with pytest.raises(MailboxNotFound):
        await rig.store.get_mailbox("user.bob.Nowhere")


async def test_specialuse_names_the_mailbox_that_has_the_use(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.store.create_mailbox("user.bob.Junk", special_use=["\\Junk"])
    await rig.activate("bob", r"""require ["fileinto", "special-use"];
fileinto :specialuse "\\Junk" "INBOX.Spam";""")
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert len(await rig.bodies("user.bob.Junk")) == 1


async def test_subaddress_sees_the_detail_of_the_recipient(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", r"""require ["fileinto", "envelope", "subaddress"];
if envelope :detail "to" "lists" { fileinto "INBOX.Lists"; }""")
    await rig.send("s@example.org", ["bob+lists@example.com"], message())
    assert len(await rig.bodies("user.bob.Lists")) == 1
    assert await rig.bodies("user.bob") == []


async def test_editheader_is_seen_by_later_tests_and_stored(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", r"""require ["editheader", "fileinto"];
addheader "X-Filtered" "yes";
deleteheader "X-Junk";
if header :is "X-Filtered" "yes" { fileinto "INBOX.Lists"; }""")
    await rig.send("s@example.org", ["bob@example.com", "alice@example.com"],
                   message(headers="X-Junk: drop me\r\n"))
    [stored] = await rig.bodies("user.bob.Lists")
    assert stored.startswith(b"X-Filtered: yes\r\n") and b"X-Junk" not in stored
    [plain] = await rig.bodies("user.alice")  # the other recipient's copy is untouched
    assert b"X-Junk: drop me" in plain and b"X-Filtered" not in plain


async def test_a_script_that_fails_at_run_time_keeps_the_message(
        make_rig: MakeRig, caplog: pytest.LogCaptureFixture) -> None:
    rig = await make_rig("")
    await rig.activate("bob", r"""require ["variables", "fileinto"];
fileinto "INBOX.Lists";
set "nobody" "";
redirect "${nobody}";""")
    with caplog.at_level(logging.ERROR, "roost.delivery"):
        replies = await rig.send("s@example.org", ["bob@example.com"], message(subject="keep me"))
    assert replies[0].startswith("250 2.0.0")
    [kept] = await rig.bodies("user.bob")
    assert b"Subject: keep me" in kept
    assert await rig.bodies("user.bob.Lists") == []  # RFC 5228 §2.10.6: only the implicit keep
    assert "bob's script failed" in caplog.text and "email address" in caplog.text


async def test_a_script_that_no_longer_compiles_keeps_the_message(
        make_rig: MakeRig, caplog: pytest.LogCaptureFixture) -> None:
    rig = await make_rig("")
    source = b'require "fileinto"; fileinto "INBOX.Lists";'
    # Stored when the site allowed fileinto; now sieve_extensions no longer does.
    compiled = dump_compiled(compile_script(source), source, SieveOptions())
    await rig.scripts.put_script("bob", "old", source, compiled)
    await rig.scripts.set_active("bob", "old")
    rig2 = await make_rig("sieve_extensions: envelope\n")
    with caplog.at_level(logging.ERROR, "roost.delivery"):
        await rig2.send("s@example.org", ["bob@example.com"], message())
    assert len(await rig.bodies("user.bob")) == 1
    assert "no longer compiles" in caplog.text


async def test_a_stale_compiled_form_is_rebuilt_and_saved(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    source = b'require "fileinto"; fileinto "INBOX.Lists";'
    await rig.scripts.put_script("bob", "copied", source, b"Cyrus bytecode, not ours")
    await rig.scripts.set_active("bob", "copied")
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert len(await rig.bodies("user.bob.Lists")) == 1
    saved = await rig.scripts.get_compiled("bob", "copied")
    assert saved is not None and saved.startswith(b"RoostSieve")


async def test_include_personal_and_global_come_from_the_script_store(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.scripts.put_script("bob", "lists", b'require "fileinto"; fileinto "INBOX.Lists";', b"")
    await rig.scripts.put_script(None, "flag", b'require "imap4flags"; addflag "$Global";', b"")
    await rig.activate("bob", r"""require ["include"];
include :global "flag";
include :personal "lists";""")
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert await rig.flags("user.bob.Lists") == [frozenset({"$Global"})]


async def test_duplicate_test_remembers_across_deliveries(make_rig: MakeRig) -> None:
    rig = await make_rig("duplicatesuppression: no\n")
    await rig.activate("bob", r"""require ["duplicate", "fileinto"];
if duplicate { fileinto "INBOX.Lists"; }""")
    for _ in range(2):
        await rig.send("s@example.org", ["bob@example.com"], message(message_id="<same@x>"))
    assert len(await rig.bodies("user.bob")) == 1
    assert len(await rig.bodies("user.bob.Lists")) == 1  # RFC 7352: the second one is a duplicate


async def test_ereject_is_550_for_that_recipient_only(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", 'require "ereject"; ereject "I do not want this";')
    replies = await rig.send("s@example.org", ["bob@example.com", "alice@example.com"], message())
    assert replies[0] == "550 5.7.1 I do not want this"
    assert replies[1].startswith("250 2.0.0 <alice@example.com>")
    assert await rig.bodies("user.bob") == []


async def test_reject_is_550_by_default_as_cyrus(make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.activate("bob", 'require "reject"; reject "Go away";')
    assert await rig.send("s@example.org", ["bob@example.com"], message()) == [
        "550 5.7.1 Go away"]


async def test_a_changed_script_runs_at_once(make_rig: MakeRig) -> None:
    """The worker's compiled-script cache never serves a replaced script."""
    rig = await make_rig("")
    await rig.activate("bob", 'require "fileinto"; fileinto "INBOX.Lists";')
    await rig.send("s@example.org", ["bob@example.com"], message())
    await rig.activate("bob", "keep;")
    await rig.send("s@example.org", ["bob@example.com"], message())
    await rig.activate("bob", "discard;", name="other")
    await rig.send("s@example.org", ["bob@example.com"], message())
    await rig.scripts.set_active("bob", None)
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert (len(await rig.bodies("user.bob.Lists")), len(await rig.bodies("user.bob"))) == (1, 2)


async def test_an_over_quota_folder_fails_the_recipient_and_a_retry_adds_no_copy(
        make_rig: MakeRig) -> None:
    rig = await make_rig("")
    await rig.store.set_quota("user.bob.Lists", {"MESSAGE": 0})
    await rig.activate("bob", 'require "fileinto"; keep; fileinto "INBOX.Lists";')
    raw = message(message_id="<retried@example.org>")
    for _ in range(2):  # the MTA retries the 452
        assert await rig.send("s@example.org", ["bob@example.com"], raw) == ["452 4.2.2 Over quota"]
    assert len(await rig.bodies("user.bob")) == 1


async def test_a_broken_script_store_still_keeps_the_message(
        make_rig: MakeRig, caplog: pytest.LogCaptureFixture) -> None:
    """A fault below the script (here: the script file is unreadable) loses nothing."""
    rig = await make_rig("")
    await rig.activate("bob", "discard;")
    source = rig.scripts.owner_dir("bob") / "main.script"
    source.unlink()
    source.mkdir()  # reading it now fails with IsADirectoryError
    with caplog.at_level(logging.ERROR, "roost.delivery"):
        [reply] = await rig.send("s@example.org", ["bob@example.com"], message())
    assert reply.startswith("250 2.0.0")
    assert len(await rig.bodies("user.bob")) == 1
    assert "running bob's script failed: kept in INBOX" in caplog.text


async def test_sieveusehomedir_runs_the_users_dot_sieve(
        make_rig: MakeRig, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cyrus's sieveusehomedir: ~bob/.sieve instead of the sievedir's active script."""
    home = tmp_path / "home-bob"
    home.mkdir()
    accounts = {"bob": home}  # the machine's accounts stay as they are
    monkeypatch.setattr(scripts_module, "home_dir", lambda name: accounts[name])
    rig = await make_rig("sieveusehomedir: yes\n")
    await rig.activate("bob", "discard;")  # ignored: the home directory's script runs
    (home / ".sieve").write_text('require "fileinto"; fileinto "INBOX.Lists";')
    await rig.send("s@example.org", ["bob@example.com", "alice@example.com"], message())
    assert len(await rig.bodies("user.bob.Lists")) == 1
    assert len(await rig.bodies("user.alice")) == 1  # no account, no script: kept


ACTIVATE_ELSEWHERE = """
import asyncio, sys
from pathlib import Path
from roost.sieve import SieveOptions, compile_script, dump_compiled
from roost.store.sievedir import SievedirScripts
source = b'require "fileinto"; fileinto "INBOX.Lists";'
options = SieveOptions()
scripts = SievedirScripts(Path(sys.argv[1]), unixhierarchysep=False)
async def main():
    compiled = dump_compiled(compile_script(source, options), source, options)
    await scripts.put_script("bob", "main", source, compiled)
    await scripts.set_active("bob", "main")
asyncio.run(main())
"""


async def test_a_script_activated_by_another_process_runs_at_the_next_delivery(
        make_rig: MakeRig) -> None:
    """The "no active script" answer (one readlink on the loop, asked for
    every recipient) is never kept: a script another process activates
    right after such a delivery takes the very next message."""
    rig = await make_rig("")
    (reply,) = await rig.send("s@example.org", ["bob@example.com"], message())
    assert reply.startswith("250 ")
    assert len(await rig.bodies("user.bob")) == 1
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", ACTIVATE_ELSEWHERE, str(rig.scripts.root))
    assert await asyncio.wait_for(other.wait(), 60) == 0
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert (len(await rig.bodies("user.bob.Lists")), len(await rig.bodies("user.bob"))) == (1, 1)
    await rig.scripts.set_active("bob", None)
    await rig.send("s@example.org", ["bob@example.com"], message())
    assert (len(await rig.bodies("user.bob.Lists")), len(await rig.bodies("user.bob"))) == (1, 2)

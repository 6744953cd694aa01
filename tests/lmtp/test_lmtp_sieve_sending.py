"""Mail that scripts send at delivery (vacation, redirect, notify, reject),
through a capturing SMTP relay (aiosmtpd) and through a `sendmail` stand-in."""

from __future__ import annotations

import email
import email.policy
import logging
from pathlib import Path

import pytest
from tests.lmtp.conftest import MakeRig
from tests.lmtp.sieve_rig import Rig, Sent, SmtpSink, message, sendmail_outbox, write_sendmail

VACATION = r"""require ["vacation"];
vacation :days 7 :subject "Away" :addresses ["bob@example.com"] "I am away until Monday.";
"""


def parsed(sent: Sent) -> email.message.EmailMessage:
    made = email.message_from_bytes(sent.raw, policy=email.policy.default)
    assert isinstance(made, email.message.EmailMessage)
    return made


async def relay_rig(make_rig: MakeRig, sink: SmtpSink, extra: str = "") -> Rig:
    return await make_rig(f"smtp_backend: host\nsmtp_host: 127.0.0.1:{sink.port}\n" + extra)


async def test_vacation_replies_once_per_sender_per_period(make_rig: MakeRig,
                                                           smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink)
    await rig.activate("bob", VACATION)
    for sender in ("ann@example.org", "ann@example.org", "joe@example.org", "ann@example.org"):
        replies = await rig.send(sender, ["bob@example.com"], message(sender, "Lunch?"))
        assert replies[0].startswith("250 2.0.0")
    assert [(s.sender, s.recipients) for s in smtp_sink.sent] == [
        ("", ("ann@example.org",)), ("", ("joe@example.org",))]  # RFC 5230 §5.1: from <>
    reply = parsed(smtp_sink.sent[0])
    assert reply["Subject"] == "Away" and reply["To"] == "ann@example.org"
    assert reply["From"] == "bob@example.com"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["In-Reply-To"].startswith("<test-")
    assert reply.get_content().strip() == "I am away until Monday."
    assert len(await rig.bodies("user.bob")) == 4  # vacation keeps every message


async def test_vacation_never_answers_lists_robots_or_ourselves(make_rig: MakeRig,
                                                               smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink)
    await rig.activate("bob", VACATION)
    await rig.send("list@example.org", ["bob@example.com"],
                   message("list@example.org", headers="List-Id: <plug.example>\r\n"))
    await rig.send("bot@example.org", ["bob@example.com"],
                   message("bot@example.org", headers="Auto-Submitted: auto-generated\r\n"))
    await rig.send("news@example.org", ["bob@example.com"],
                   message("news@example.org", headers="Precedence: bulk\r\n"))
    await rig.send("MAILER-DAEMON@example.org", ["bob@example.com"], message())
    await rig.send("bob@example.com", ["bob@example.com"], message("bob@example.com"))
    await rig.send("", ["bob@example.com"], message())
    assert smtp_sink.sent == []


async def test_vacation_tracking_survives_a_new_service(make_rig: MakeRig,
                                                        smtp_sink: SmtpSink) -> None:
    first = await relay_rig(make_rig, smtp_sink)
    await first.activate("bob", VACATION)
    await first.send("ann@example.org", ["bob@example.com"], message("ann@example.org"))
    second = await relay_rig(make_rig, smtp_sink)
    await second.send("ann@example.org", ["bob@example.com"], message("ann@example.org"))
    assert len(smtp_sink.sent) == 1


async def test_vacation_mime_and_from(make_rig: MakeRig, smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink)
    await rig.activate("bob", r"""require ["vacation"];
vacation :from "Bob <bob.away@example.com>" :mime text:
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Je suis à la plage.
.
;""")
    await rig.send("ann@example.org", ["bob@example.com"], message("ann@example.org", "Plans"))
    [sent] = smtp_sink.sent
    reply = parsed(sent)
    assert reply["From"] == "Bob <bob.away@example.com>"
    assert reply["Subject"] == "Auto: Plans"  # RFC 5230 §5.3
    assert reply.get_content_type() == "text/plain"
    assert "à la plage" in reply.get_content()


async def test_redirect_through_sendmail_keeps_the_sender(make_rig: MakeRig, tmp_path: Path) -> None:
    program, outbox = write_sendmail(tmp_path)
    rig = await make_rig(f"sendmail: {program}\n")
    await rig.activate("bob", r"""require ["copy"];
redirect :copy "archive@example.net";
redirect "carol@example.net";""")
    await rig.send("ann@example.org", ["bob@example.com"], message("ann@example.org", "fwd me"))
    sent = sendmail_outbox(outbox)
    assert [(s.sender, s.recipients) for s in sent] == [
        ("ann@example.org", ("archive@example.net",)), ("ann@example.org", ("carol@example.net",))]
    assert sent[0].raw.startswith(b"X-Sieve-Redirected-By: bob@example.com\nReceived: ")
    assert b"Subject: fwd me" in sent[0].raw
    assert await rig.bodies("user.bob") == []  # the last redirect had no :copy


async def test_a_redirect_that_comes_back_is_kept(make_rig: MakeRig, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    program, outbox = write_sendmail(tmp_path)
    rig = await make_rig(f"sendmail: {program}\n")
    await rig.activate("bob", 'redirect "alice@example.net";')
    with caplog.at_level(logging.WARNING, "roost.delivery"):
        await rig.send("ann@example.org", ["bob@example.com"],
                       message(headers="X-Sieve-Redirected-By: bob@example.com\r\n"))
    assert sendmail_outbox(outbox) == []
    assert len(await rig.bodies("user.bob")) == 1
    assert "mail loop" in caplog.text


async def test_more_redirects_than_sieve_maxredirects_are_kept(make_rig: MakeRig,
                                                               tmp_path: Path) -> None:
    program, outbox = write_sendmail(tmp_path)
    rig = await make_rig(f"sendmail: {program}\nsieve_maxredirects: 2\n")
    await rig.activate("bob", 'redirect "a@x.test"; redirect "b@x.test"; redirect "c@x.test";')
    await rig.send("ann@example.org", ["bob@example.com"], message())
    assert sendmail_outbox(outbox) == []
    assert len(await rig.bodies("user.bob")) == 1


async def test_a_failing_sendmail_does_not_fail_the_delivery(
        make_rig: MakeRig, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    program, _ = write_sendmail(tmp_path, status=75)
    rig = await make_rig(f"sendmail: {program}\n")
    await rig.activate("bob", 'redirect "alice@example.net";')
    with caplog.at_level(logging.ERROR, "roost.delivery"):
        [reply] = await rig.send("ann@example.org", ["bob@example.com"], message())
    assert reply.startswith("250 2.0.0")
    assert "not sent" in caplog.text and "exited 75" in caplog.text


async def test_notify_mailto_through_the_relay(make_rig: MakeRig, smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink)
    await rig.activate("bob", r"""require ["enotify", "variables"];
if header :matches "subject" "*" { set "s" "${1}"; }
notify :message "New: ${s}" "mailto:pager@example.net?body=Look%20now";
notify :message "again" "mailto:pager@example.net";""")
    await rig.send("ann@example.org", ["bob@example.com"], message(subject="Build broke"))
    [sent] = smtp_sink.sent  # RFC 5436 §2.7: one notification per address per run
    note = parsed(sent)
    assert sent.recipients == ("pager@example.net",) and sent.sender == "bob@example.com"
    assert note["Subject"] == "New: Build broke"
    assert note["Auto-Submitted"] == 'auto-notified; owner-email="bob@example.com"'
    assert note.get_content().strip() == "Look now"
    assert len(await rig.bodies("user.bob")) == 1  # notify keeps the message


async def test_reject_sends_an_mdn_from_postmaster(make_rig: MakeRig, smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink, "sieve_use_lmtp_reject: no\n"
                          "postmaster: mailer@example.com\n")
    await rig.activate("bob", 'require "reject"; reject "I do not accept attachments.";')
    [reply] = await rig.send("ann@example.org", ["bob@example.com"], message(subject="big"))
    assert reply.startswith("250 2.0.0")
    [sent] = smtp_sink.sent
    mdn = parsed(sent)
    assert sent.sender == "" and sent.recipients == ("ann@example.org",)
    assert mdn["From"] == "mailer@example.com"
    assert mdn.get_content_type() == "multipart/report"
    assert mdn.get_param("report-type") == "disposition-notification"
    human, report, original = mdn.iter_parts()
    assert "I do not accept attachments." in human.get_content()
    assert report.get_content_type() == "message/disposition-notification"
    assert b"automatic-action/MDN-sent-automatically; deleted" in sent.raw
    assert original.get_content_type() == "message/rfc822"
    assert await rig.bodies("user.bob") == []


async def test_fcc_files_the_vacation_reply(make_rig: MakeRig, smtp_sink: SmtpSink) -> None:
    rig = await relay_rig(make_rig, smtp_sink)
    await rig.activate("bob", r"""require ["vacation", "fcc", "imap4flags", "mailbox"];
vacation :fcc "INBOX.Sent" :create :flags "\\Seen" :addresses "bob@example.com" "Away.";""")
    await rig.send("ann@example.org", ["bob@example.com"], message("ann@example.org"))
    [filed] = await rig.bodies("user.bob.Sent")
    assert filed == smtp_sink.sent[0].raw
    assert await rig.flags("user.bob.Sent") == [frozenset({"\\Seen"})]

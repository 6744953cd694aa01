"""The messages a script makes delivery send: vacation replies, rejections, notifications.

Each function returns an `OutgoingMail` (envelope and RFC 5322 bytes, CRLF)
or None when the RFCs say not to send. Header values that may hold UTF-8
are RFC 2047-encoded by the `email` package (RFC 5230 §4.3).
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
from email.message import EmailMessage, Message

from roost.delivery.outgoing import OutgoingMail
from roost.sieve import Notify, Vacation
from roost.sieve.notify import FORBIDDEN_HEADERS, parse_mailto

POLICY = email.policy.SMTP.clone(max_line_length=78)


def headers_of(raw: bytes) -> Message:
    """The header of a message (the body is not parsed)."""
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def _new(sender: str, to: str, subject: str, auto_submitted: str, domain: str) -> EmailMessage:
    made = EmailMessage(policy=POLICY)
    made["From"] = sender
    made["To"] = to
    made["Subject"] = subject
    made["Date"] = email.utils.formatdate(localtime=True)
    made["Message-ID"] = email.utils.make_msgid(domain=domain)
    made["Auto-Submitted"] = auto_submitted
    return made


def _threading(made: EmailMessage, original: Message) -> None:
    """RFC 5230 §5.8: In-Reply-To the original's Message-ID, References extended."""
    message_id = (original.get("Message-ID") or "").strip()
    if message_id:
        made["In-Reply-To"] = message_id
        earlier = " ".join((original.get("References") or "").split())
        made["References"] = f"{earlier} {message_id}".strip()


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "localhost"


def vacation_reply(action: Vacation, raw: bytes, owner: str) -> OutgoingMail:
    """RFC 5230 §5: from <> (§5.1), From the owner or :from (§5.4), To the sender (§5.5),
    Auto-Submitted: auto-replied (§5.6); with :mime the reason is the whole entity (§4.4)."""
    original = headers_of(raw)
    made = _new(action.from_ or owner, action.recipient, action.subject or "Automated reply",
                "auto-replied", _domain(owner))
    _threading(made, original)
    if action.mime:
        made["MIME-Version"] = "1.0"
        head = b"".join(POLICY.fold_binary(name, value) for name, value in made.items())
        entity = action.reason.replace("\r\n", "\n").replace("\n", "\r\n").lstrip("\r\n")
        body = head + entity.encode("utf-8")
    else:
        made.set_content(action.reason, charset="utf-8")
        body = made.as_bytes()
    return OutgoingMail("", (action.recipient,), body, "vacation")


def reject_mdn(reason: str, raw: bytes, sender: str, owner: str, postmaster: str,
               servername: str) -> OutgoingMail | None:
    """RFC 5429 §2.2.1: a failure MDN (RFC 8098) back to the envelope sender,
    disposition "automatic-action/MDN-sent-automatically; deleted"; none to <>."""
    if not sender:
        return None  # RFC 5429 §2.2.1: no MDN when MAIL FROM is empty
    original = headers_of(raw)
    made = _new(postmaster, sender, "Automatically rejected mail", "auto-replied",
                _domain(postmaster))
    _threading(made, original)
    made.set_content("Your message was refused by the recipient's mail filtering program.\r\n"
                     "The reason given was as follows:\r\n\r\n" + reason + "\r\n",
                     charset="utf-8")
    report = EmailMessage(policy=POLICY)
    fields = [f"Reporting-UA: {servername}; Roost", f"Final-Recipient: rfc822; {owner}"]
    if original.get("Message-ID"):
        fields.append(f"Original-Message-ID: {original['Message-ID'].strip()}")
    fields.append("Disposition: automatic-action/MDN-sent-automatically; deleted")
    report.set_content(("\r\n".join(fields) + "\r\n").encode(), "message",
                       "disposition-notification", cte="7bit")
    made.make_mixed()
    made.replace_header("Content-Type", 'multipart/report; report-type="disposition-notification"')
    made.attach(report)
    returned = EmailMessage(policy=POLICY)
    returned.set_content(raw, "message", "rfc822", cte="8bit")
    made.attach(returned)
    return OutgoingMail("", (sender,), made.as_bytes(), "reject")


def notify_mail(action: Notify, raw: bytes, envelope_from: str, owner: str) -> OutgoingMail | None:
    """RFC 5436 §2.7: to the URI's addresses, Auto-Submitted: auto-notified with the
    owner's address, Subject from :message, the URI or the triggering message;
    the envelope sender empty when the trigger's was, else :from or the owner."""
    mailto = parse_mailto(action.method)
    if mailto is None or not mailto.recipients:
        return None
    original = headers_of(raw)
    uri_subject = next((v for n, v in mailto.headers if n.lower() == "subject"), None)
    subject = action.message or uri_subject or original.get("Subject") or "New mail"
    sender = action.from_ or owner
    made = _new(sender, ", ".join(mailto.recipients), subject,
                f'auto-notified; owner-email="{owner}"', _domain(owner))
    if action.importance in ("1", "3"):
        made["Importance"] = "high" if action.importance == "1" else "low"
    for name, value in mailto.headers:
        if name.lower() not in FORBIDDEN_HEADERS and name.lower() != "subject":
            made[name[:1].upper() + name[1:]] = value
    made.set_content(mailto.body or f"You have new mail: {subject}", charset="utf-8")
    envelope = "" if not envelope_from else email.utils.parseaddr(sender)[1] or owner
    return OutgoingMail(envelope, mailto.recipients, made.as_bytes(), "notify")

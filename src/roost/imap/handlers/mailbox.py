"""Mailbox commands: SELECT/EXAMINE, CREATE, DELETE, RENAME, SUBSCRIBE,
UNSUBSCRIBE, STATUS (RFC 9051 §6.3)."""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap import condstore, specialuse
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import (
    external_name,
    internal_name,
    internal_of,
    open_mailbox,
    wire_name,
)
from roost.imap.handlers.quota import alert_on_select
from roost.imap.handlers.urlauth import MECHANISM
from roost.imap.handlers.user_rename import rename_user_inbox
from roost.imap.objectid import mailbox_objectid
from roost.imap.responses import Done, mailbox_name, plist
from roost.imap.selected import SelectedMailbox
from roost.imap.session import Session, State
from roost.store.api import MailboxExists, MailboxInfo, MailboxNotFound, PermissionDenied
from roost.store.names import user_inbox
from roost.store.urlauth import UrlAuthStore


async def select(s: Session, cmd: c.Select) -> Done:
    """RFC 9051 §6.3.2 (SELECT) and §6.3.3 (EXAMINE), RFC 7162 §3.1.8 and
    §3.2.5 (CONDSTORE and QRESYNC parameters)."""
    if cmd.qresync is not None and not s.qresync:
        # RFC 7162 §3.2.5: BAD, and the mailbox selected stays so (as a parse error).
        raise BadCommand(None, "QRESYNC needs ENABLE QRESYNC first")
    if s.selected is not None:
        s.unselect()
        s.untagged(b"OK [CLOSED] Previous mailbox is now closed")
    info = await open_mailbox(s, cmd.mailbox, "r")
    external = wire_name(s, info.name)
    await alert_on_select(s, info)
    view = await SelectedMailbox.open(s.store, info, external, s.store_user(), cmd.readonly)
    view.flag_rights = await s.access.rights(s.identity, info)  # RFC 4314 §4: PERMANENTFLAGS
    view.show_recent = not s.rev2
    s.untagged(b"%d EXISTS" % view.exists)
    if not s.rev2:
        s.untagged(b"%d RECENT" % len(view.recent))
        unseen = next((i for i, uid in enumerate(view.uids, 1)
                       if "\\Seen" not in view.records[uid].flags), None)
        if unseen is not None:
            s.untagged(b"OK [UNSEEN %d] First unseen" % unseen)
    for line in view.flags_lines():
        s.untagged(line)
    s.untagged(b"OK [UIDVALIDITY %d] UIDs valid" % view.uidvalidity)
    s.untagged(b"OK [UIDNEXT %d] Predicted next UID" % view.uidnext)
    # RFC 7162 §3.1.2.1: every mailbox keeps MODSEQs, so never NOMODSEQ;
    # sent on every SELECT, as Cyrus does, enabled or not.
    s.untagged(condstore.highestmodseq_line(view))
    if isinstance(s.store, UrlAuthStore):
        # RFC 4467 (the URLMECH response code): URLAUTH URLs can name this
        # mailbox, and INTERNAL is how they are signed; where Cyrus says it.
        s.untagged(b"OK [URLMECH %s] Ok" % MECHANISM.encode())
    s.untagged(b"OK [MAILBOXID (%s)] Ok" % mailbox_objectid(info).encode())  # RFC 8474 §4.2
    if s.rev2:
        s.untagged(b'LIST () "' + s.ns.sep.encode() + b'" ' + mailbox_name(external, s.utf8))
    if cmd.condstore:
        s.enabled.add("CONDSTORE")
    if cmd.qresync is not None:
        await condstore.resync(s, view, cmd.qresync)
    s.selected = view
    s.state = State.SELECTED
    s.saved_search = []  # RFC 5182 §2.1: a new selection empties `$`
    return Done("Completed", "READ-ONLY" if cmd.readonly else "READ-WRITE")


async def _partition(s: Session, name: str, partition: str | None) -> str | None:
    """The partition a CREATE names, as Cyrus decides it: administrators
    only (`NO Permission denied` for others); one without a
    `partition-NAME` line is `NO Unknown/invalid partition`, unless the
    mailbox exists, which is said first (Cyrus checks the name first)."""
    if partition is None:
        return None
    if not s.is_admin:
        raise PermissionDenied()
    if partition not in s.conf.partitions:
        try:
            await s.store.get_mailbox(name)
        except MailboxNotFound:
            raise No(None, "Unknown/invalid partition") from None
        raise MailboxExists()
    return partition


async def create(s: Session, cmd: c.Create) -> Done:
    """RFC 9051 §6.3.4: a trailing separator is dropped; INBOX cannot be created."""
    raw = external_name(s, cmd.mailbox, creating=True).rstrip(s.ns.sep)
    if s.ns.is_inbox(raw) and not s.is_admin:
        raise No("ALREADYEXISTS", "INBOX always exists")
    name = internal_of(s, raw)
    # Decided before existence is looked at, so CREATE is no existence oracle.
    if not await s.access.may_create(s.identity, name):
        raise PermissionDenied()
    if not s.is_admin:
        # Cyrus: a user's folders live under their INBOX, which must exist.
        try:
            await s.store.get_mailbox(s.ns.inbox)
        except MailboxNotFound:
            raise No("NONEXISTENT", "Your INBOX does not exist") from None
    partition = await _partition(s, name, cmd.partition)
    uses = await specialuse.for_create(s, name, cmd.special_use)
    try:
        made = await s.store.create_mailbox(name, partition=partition, special_use=uses,
                                            default_acl=s.access.default_acl)
    except MailboxExists:
        # Cyrus: a taken name the identity may not look up answers as a refusal.
        taken = await s.store.get_mailbox(name)
        if "l" not in await s.access.rights(s.identity, taken):
            raise PermissionDenied() from None
        raise
    return Done("Completed", f"MAILBOXID ({mailbox_objectid(made)})")  # RFC 8474 §4.1


async def delete(s: Session, cmd: c.Delete) -> None:
    """RFC 9051 §6.3.5: deleting INBOX is an error for its owner."""
    if s.ns.is_inbox(external_name(s, cmd.mailbox)):
        raise No("CANNOT", "Cannot delete INBOX")
    info = await s.access.deletable(s.identity, internal_name(s, cmd.mailbox))
    children = await s.store.list_mailboxes(info.name + ".")
    whole_user = is_user_inbox(info)
    if children and not whole_user:
        # RFC 9051 §6.3.5 lets a server refuse; Cyrus does, and so do we.
        raise No("HASCHILDREN", "Mailbox has inferior hierarchical names")
    # Cyrus: an admin deleting a user's INBOX deletes the user's whole
    # hierarchy, as one store operation (all of it or nothing).
    deleted = await s.store.delete_mailbox(info.id, children=whole_user)
    if s.selected is not None and s.selected.mailbox_id in {d.id for d in deleted}:
        s.unselect()  # our own doing: no BYE, the client knows


def is_user_inbox(info: MailboxInfo) -> bool:
    """A user's INBOX: deleting it (an admin's act) deletes the user's
    hierarchy; renaming it renames the user."""
    return info.owner is not None and user_inbox(info.owner) == info.name


async def rename(s: Session, cmd: c.Rename) -> None:
    """RFC 9051 §6.3.6: RENAME INBOX moves its messages and leaves it empty;
    an administrator's RENAME of a user's INBOX renames the user."""
    info = await s.access.renamable(s.identity, internal_name(s, cmd.old))
    new = internal_name(s, cmd.new, creating=True)
    if is_user_inbox(info) and not s.ns.is_inbox(external_name(s, cmd.old)):
        await rename_user_inbox(s, info, new)
        return
    # RFC 4314 §4: RENAME needs `k` on the new name's parent.
    if not await s.access.may_create(s.identity, new):
        raise PermissionDenied()
    if s.ns.is_inbox(external_name(s, cmd.old)):
        await s.store.move_all(info.id, new, user=s.store_user())
        return
    await s.store.rename_mailbox(info.id, new)


async def subscribe(s: Session, cmd: c.Subscribe) -> None:
    """RFC 9051 §6.3.7: the mailbox must exist when subscribing."""
    info = await open_mailbox(s, cmd.mailbox, "l")
    await s.store.subscribe(s.user, info.name)


async def unsubscribe(s: Session, cmd: c.Unsubscribe) -> None:
    """RFC 9051 §6.3.8: OK whether or not the name was subscribed or exists."""
    await s.store.unsubscribe(s.user, internal_name(s, cmd.mailbox))


STATUS_ITEMS = ("MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT",
                "HIGHESTMODSEQ", "MAILBOXID")


async def status_items(s: Session, mailbox_id: int, items: tuple[str, ...]) -> bytes:
    """`(MESSAGES n UIDNEXT n ...)` for STATUS and LIST RETURN (STATUS)."""
    if "HIGHESTMODSEQ" in items:
        condstore.enable(s)  # RFC 7162 §3.1: STATUS (HIGHESTMODSEQ) enables CONDSTORE
    st = await s.store.status(mailbox_id, s.store_user())
    recent = st.recent
    if s.selected is not None and s.selected.mailbox_id == mailbox_id:
        # The selecting session claimed them (RFC 3501 §2.3.2): it still sees them.
        recent = len(s.selected.recent)
    values = {"MESSAGES": st.messages, "UIDNEXT": st.uidnext, "UIDVALIDITY": st.uidvalidity,
              "UNSEEN": st.unseen, "DELETED": st.deleted, "SIZE": st.size,
              "RECENT": recent, "HIGHESTMODSEQ": st.highestmodseq}
    shown = {item: b"%d" % value for item, value in values.items()}
    if "MAILBOXID" in items:  # RFC 8474 §4.3
        info = await s.store.mailbox_by_id(mailbox_id)
        shown["MAILBOXID"] = b"(" + mailbox_objectid(info).encode() + b")"
    return plist(item.encode() + b" " + shown[item] for item in items)


async def status(s: Session, cmd: c.Status) -> None:
    """RFC 9051 §6.3.11 (SIZE: RFC 8438; DELETED: RFC 9051; HIGHESTMODSEQ:
    RFC 7162 §3.1.7)."""
    unknown = [item for item in cmd.items if item not in STATUS_ITEMS]
    if unknown:
        raise BadCommand(None, f"Unknown STATUS item {unknown[0]}")
    info = await open_mailbox(s, cmd.mailbox, "r")
    external = wire_name(s, info.name)
    s.untagged(b"STATUS " + mailbox_name(external, s.utf8) + b" "
               + await status_items(s, info.id, cmd.items))

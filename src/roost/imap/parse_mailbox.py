"""Mailbox commands: SELECT/EXAMINE, CREATE, DELETE, RENAME, (UN)SUBSCRIBE,
LIST, LSUB, STATUS, APPEND (RFC 9051 §6.3)."""

from __future__ import annotations

from collections.abc import Callable

from roost.imap import commands as c
from roost.imap.parse_append import append_messages
from roost.imap.parse_lexer import NUMBER64_MAX, Cursor
from roost.imap.sequence import STAR, SequenceSet

#: RFC 9051 §6.3.11 plus RFC 3501 RECENT, RFC 7162 HIGHESTMODSEQ,
#: RFC 7889 APPENDLIMIT, RFC 8474 MAILBOXID.
STATUS_ITEMS = frozenset({
    "MESSAGES", "UIDNEXT", "UIDVALIDITY", "UNSEEN", "DELETED", "SIZE", "RECENT",
    "HIGHESTMODSEQ", "APPENDLIMIT", "MAILBOXID",
})


def _mailbox_arg(cur: Cursor) -> str:
    cur.sp()
    return cur.mailbox()


def _select(readonly: bool) -> Callable[[Cursor], c.Select]:
    def parse(cur: Cursor) -> c.Select:
        """SELECT/EXAMINE mailbox [(params)]. RFC 4466 §2.1, RFC 7162 §3.1.8, §3.2.5."""
        mailbox = _mailbox_arg(cur)
        condstore = False
        qresync: c.QResync | None = None

        def param() -> None:
            nonlocal condstore, qresync
            name = cur.atom().upper()
            if name == "CONDSTORE" and not condstore:
                condstore = True
            elif name == "QRESYNC" and qresync is None:
                cur.sp()
                qresync = _qresync(cur)
            else:
                raise cur.bad(f"unknown or repeated SELECT parameter {name}")

        if cur.skip(b" "):
            cur.paren_list(param)
        return c.Select(cur.tag, mailbox, readonly, condstore, qresync)

    return parse


def _qresync(cur: Cursor) -> c.QResync:
    """``(uidvalidity modseq [known-uids] [(seqs uids)])``. RFC 7162 §3.2.5, §7.

    As on Cyrus, a MODSEQ of 0 (everything changed) and ``*`` in the known
    UIDs are taken; ``$`` names no saved result here, and seq-match data
    with ``*`` pairs nothing, so both are BAD.
    """
    cur.expect(b"(")
    uidvalidity = cur.nz_number()
    cur.sp()
    modseq = cur.number(NUMBER64_MAX)
    known = None
    match = None
    if cur.skip(b" "):
        if not cur.peek(b"("):
            known = _plain_set(cur, star=True)
        if known is None or cur.skip(b" "):
            cur.expect(b"(")
            seqs = _plain_set(cur, star=False)
            cur.sp()
            match = (seqs, _plain_set(cur, star=False))
            cur.expect(b")")
    cur.expect(b")")
    return c.QResync(uidvalidity, modseq, known, match)


def _plain_set(cur: Cursor, *, star: bool) -> SequenceSet:
    """A sequence set without ``$`` (and without ``*`` unless `star`)."""
    seqset = cur.sequence_set()
    if seqset.saved or (not star and any(STAR in pair for pair in seqset.ranges)):
        raise cur.bad("QRESYNC sets take no $" + ("" if star else " or *"))
    return seqset


def _create(cur: Cursor) -> c.Create:
    """CREATE mailbox [create-params]. RFC 9051 §6.3.4; RFC 4466 §2.2
    `create-params = "(" create-param *(SP create-param) ")"`, of which
    Cyrus knows `USE (attrs)` (RFC 6154 §3) and `PARTITION name`; RFC
    4466 §2.2: an unknown parameter is BAD. Also Cyrus's older form
    `CREATE mailbox partition` (cyradm `cm --partition P` without
    --specialuse sends it)."""
    mailbox = _mailbox_arg(cur)
    use: tuple[str, ...] = ()
    partition: str | None = None
    if cur.skip(b" "):
        if not cur.skip(b"("):
            return c.Create(cur.tag, mailbox, (), cur.astring())
        seen: set[str] = set()
        while True:
            name = cur.atom().upper()
            if name not in ("USE", "PARTITION") or name in seen:
                raise cur.bad("unknown or repeated CREATE parameter")
            seen.add(name)
            cur.sp()
            if name == "USE":
                use = cur.flag_list()
            else:
                partition = cur.astring()
            if cur.skip(b")"):
                break
            cur.sp()
    return c.Create(cur.tag, mailbox, use, partition)


def _rename(cur: Cursor) -> c.Rename:
    """RENAME old new. RFC 9051 §6.3.6."""
    old = _mailbox_arg(cur)
    return c.Rename(cur.tag, old, _mailbox_arg(cur))


_LIST_SELECT = {"SUBSCRIBED", "REMOTE", "RECURSIVEMATCH", "SPECIAL-USE"}


def _list(cur: Cursor) -> c.List:
    """LIST [(select)] ref (pattern / (patterns)) [RETURN (opts)]. RFC 5258 §3."""
    cur.sp()
    select: list[str] = []
    extended = False
    if cur.peek(b"("):
        extended = True
        select = cur.paren_list(lambda: cur.astring_atom().upper())
        if not set(select) <= _LIST_SELECT:
            raise cur.bad("unknown LIST selection option")
        # RFC 5258 §3: RECURSIVEMATCH alone is an error.
        if "RECURSIVEMATCH" in select and len(set(select)) == 1:
            raise cur.bad("RECURSIVEMATCH needs another selection option")
        cur.sp()
    reference = cur.astring()
    cur.sp()
    if cur.peek(b"("):
        extended = True
        patterns = tuple(cur.paren_list(cur.list_mailbox))
    else:
        patterns = (cur.list_mailbox(),)
    cmd = c.List(
        cur.tag, reference, patterns, extended,
        select_subscribed="SUBSCRIBED" in select, select_remote="REMOTE" in select,
        select_recursive="RECURSIVEMATCH" in select,
        select_special_use="SPECIAL-USE" in select,
    )
    if not cur.skip(b" "):
        return cmd
    if not cur.skip_word(b"RETURN"):
        raise cur.bad("expected RETURN")
    cur.sp()
    return _list_return(cur, cmd)


def _list_return(cur: Cursor, cmd: c.List) -> c.List:
    """RETURN (SUBSCRIBED CHILDREN SPECIAL-USE STATUS (items) MYRIGHTS).
    RFC 5258 §3, RFC 9051 §6.3.9, RFC 8440 §3."""
    subscribed = children = special = myrights = False
    status: tuple[str, ...] | None = None

    def option() -> None:
        nonlocal subscribed, children, special, status, myrights
        name = cur.astring_atom().upper()
        if name == "SUBSCRIBED":
            subscribed = True
        elif name == "CHILDREN":
            children = True
        elif name == "SPECIAL-USE":
            special = True
        elif name == "STATUS" and status is None:
            cur.sp()
            status = _status_items(cur)
        elif name == "MYRIGHTS":
            myrights = True
        else:
            raise cur.bad(f"unknown LIST return option {name}")

    cur.paren_list(option)
    return c.List(
        cmd.tag, cmd.reference, cmd.patterns, True, cmd.select_subscribed,
        cmd.select_remote, cmd.select_recursive, cmd.select_special_use,
        subscribed, children, special, status, myrights,
    )


def _lsub(cur: Cursor) -> c.Lsub:
    """LSUB reference pattern. RFC 3501 §6.3.9."""
    cur.sp()
    reference = cur.astring()
    cur.sp()
    return c.Lsub(cur.tag, reference, cur.list_mailbox())


def _status_items(cur: Cursor) -> tuple[str, ...]:
    items = tuple(cur.paren_list(lambda: cur.atom().upper()))
    unknown = set(items) - STATUS_ITEMS
    if unknown or not items:
        raise cur.bad(f"bad STATUS items {' '.join(sorted(unknown))}".rstrip())
    return items


def _status(cur: Cursor) -> c.Status:
    """STATUS mailbox (items). RFC 9051 §6.3.11."""
    mailbox = _mailbox_arg(cur)
    cur.sp()
    return c.Status(cur.tag, mailbox, _status_items(cur))


def _append(cur: Cursor) -> c.Append:
    """APPEND mailbox 1*append-message. RFC 9051 §6.3.12, RFC 3502, RFC 4469."""
    mailbox = _mailbox_arg(cur)
    return c.Append(cur.tag, mailbox, append_messages(cur))


PARSERS: dict[str, Callable[[Cursor], c.Command]] = {
    "SELECT": _select(readonly=False),
    "EXAMINE": _select(readonly=True),
    "CREATE": _create,
    "DELETE": lambda cur: c.Delete(cur.tag, _mailbox_arg(cur)),
    "RENAME": _rename,
    "SUBSCRIBE": lambda cur: c.Subscribe(cur.tag, _mailbox_arg(cur)),
    "UNSUBSCRIBE": lambda cur: c.Unsubscribe(cur.tag, _mailbox_arg(cur)),
    "LIST": _list,
    "LSUB": _lsub,
    "STATUS": _status,
    "APPEND": _append,
}

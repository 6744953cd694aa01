"""The selected mailbox as one session sees it: message numbers, flags, updates.

A session keeps its own snapshot (UIDs in order, each message's record) so
message sequence numbers stay stable between the points where RFC 9051
§7.5.1 lets the server announce changes. Changes come from the store's one
MODSEQ mechanism (`Store.changes_since`), whoever made them. The view
holds the mailbox's id, not its name: a RENAME by anyone keeps it valid
(`name` and `external` follow it, see `roost.imap.updates`).

Invariants: `uids` is ascending and matches `records`; an expunge learnt
while expunge replies are not allowed waits in `pending_expunge` and the
message keeps its number (and its cached record) until it is announced.
`modseq` is the store's MODSEQ as of the last look (the next look starts
there); `announced_modseq` is what the client may hold as synchronised.
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from roost.auth.identity import Identity
from roost.imap.sequence import STAR, SequenceSet
from roost.message.imapstr import plist
from roost.store.api import SYSTEM_FLAGS, Changes, MailboxInfo, MessageRecord, Store

VIEW_SLICE = 5000
"""Records indexed per turn of the event loop when a mailbox is selected (~1 ms)."""

# The order Cyrus lists system flags in; keywords follow, alphabetically.
_FLAG_ORDER = {flag.lower(): n for n, flag in enumerate(
    ("\\Recent", "\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen"))}


def flag_order(flag: str) -> tuple[int, str]:
    return _FLAG_ORDER.get(flag.lower(), len(_FLAG_ORDER)), flag.lower()


def render_flags(flags: frozenset[str] | set[str], recent: bool = False) -> bytes:
    """A flag list in Cyrus's order: \\Recent, system flags, keywords (RFC 9051 §2.3.2)."""
    ordered = sorted(flags | {"\\Recent"} if recent else flags, key=flag_order)
    return plist(f.encode("utf-8") for f in ordered)


@dataclass
class SelectedMailbox:
    """One session's view of its selected mailbox.

    `info` is the mailbox as selected: its id and owner, which is what the
    rights decision reads for every command on it. A RENAME keeps the id;
    `roost.imap.updates` keeps `info`, `name` and `external` up to date.
    """

    info: MailboxInfo
    name: str
    external: str
    readonly: bool
    uidvalidity: int
    modseq: int
    uidnext: int
    uids: list[int] = field(default_factory=list)
    records: dict[int, MessageRecord] = field(default_factory=dict)
    recent: set[int] = field(default_factory=set)
    pending_expunge: set[int] = field(default_factory=set)
    pending_since: int = 0  # the MODSEQ before the first pending expunge was learnt
    keywords: set[str] = field(default_factory=set)
    show_recent: bool = True  # RFC 9051 Appendix E: IMAP4rev2 has no \Recent
    savedates: dict[int, datetime | None] = field(default_factory=dict)
    """RFC 8514 save dates read so far (FETCH SAVEDATE, SEARCH SAVED*): one
    never changes while its message stays, so they are read once."""
    flag_rights: str = "stw"
    """The session's rights at SELECT: RFC 4314 §4 wants PERMANENTFLAGS to
    show only the flags they let it set (`s` \\Seen, `t` \\Deleted, `w` the rest)."""
    rights_kept: tuple[MailboxInfo, Identity, str] | None = None
    """The rights last decided on `info` for an identity (`selected_rights`)."""
    own: Changes | None = None
    """What this session's own STORE or EXPUNGE just did, as the next look
    would read it back (`note_own`, `poll`)."""

    @classmethod
    async def open(cls, store: Store, info: MailboxInfo, external: str, user: str,
                   readonly: bool) -> SelectedMailbox:
        records = await store.messages(info.id, user)
        # RFC 3501 §2.3.2: EXAMINE shows \Recent without claiming it.
        recent_mark = await store.claim_recent(info.id, 0 if readonly else None)
        view = cls(info, info.name, external, readonly, info.uidvalidity,
                   info.highestmodseq, info.uidnext)
        # 100,000 records take ~25 ms to index: in slices, other sessions
        # are served in between (the view is nobody's until it is returned).
        for start in range(0, len(records), VIEW_SLICE):
            if start:
                await asyncio.sleep(0)
            chunk = records[start:start + VIEW_SLICE]
            view.uids.extend(r.uid for r in chunk)
            view.records.update((r.uid, r) for r in chunk)
            view.recent.update(r.uid for r in chunk if r.uid > recent_mark)
            view.learn_keywords(chunk)
        return view

    async def load_savedates(self, store: Store, uids: Iterable[int]) -> None:
        """Read the save dates of `uids` not read yet (one store query)."""
        missing = [u for u in uids if u not in self.savedates]
        if missing:
            self.savedates.update(await store.savedates(self.info.id, missing))

    def flags_lines(self) -> list[bytes]:
        """FLAGS and PERMANENTFLAGS as SELECT sends them (RFC 9051 §6.3.2)."""
        defined = sorted(set(SYSTEM_FLAGS) | self.keywords, key=flag_order)
        settable = [] if self.readonly else [
            f.encode() for f in defined
            if {"\\Seen": "s", "\\Deleted": "t"}.get(f, "w") in self.flag_rights]
        permanent = plist(settable + ([b"\\*"] if settable and "w" in self.flag_rights else []))
        return [b"FLAGS " + render_flags(set(defined)),
                b"OK [PERMANENTFLAGS " + permanent + b"] Permanent flags"]

    def spell(self, flags: Iterable[str]) -> tuple[str, ...]:
        """Flags as this mailbox already spells them, duplicates dropped.

        Keywords match case-insensitively, as on Cyrus: `$label1` is the
        mailbox's `$Label1` if that one came first.
        """
        known = {k.lower(): k for k in self.keywords}
        spelled: dict[str, str] = {}
        for flag in flags:
            spelled.setdefault(flag.lower(), known.get(flag.lower(), flag))
        return tuple(spelled.values())

    def learn_keywords(self, records: Iterable[MessageRecord]) -> list[bytes]:
        """Take in the keywords of `records`; new ones are announced again.

        RFC 3501 §7.2.6: the FLAGS reply is re-sent when the defined flags change.
        """
        flag_sets = {r.flags for r in records}  # few distinct ones: the store shares them
        new = {f for flags in flag_sets for f in flags if not f.startswith("\\")} - self.keywords
        if not new:
            return []
        self.keywords |= new
        return self.flags_lines()

    @property
    def mailbox_id(self) -> int:
        """The store id: the one handle on the mailbox that a RENAME keeps."""
        return self.info.id

    @property
    def exists(self) -> int:
        return len(self.uids)

    def seq_of(self, uid: int) -> int:
        """The message number of `uid` (1-based); the uid must be present."""
        return bisect.bisect_left(self.uids, uid) + 1

    def select_uids(self, seqset: SequenceSet, by_uid: bool,
                    saved: list[int] | None = None) -> list[int]:
        """The UIDs a sequence set names, ascending, in this view.

        `$` (RFC 5182 §2.1) stands for the saved SEARCH result, kept as UIDs.
        """
        found: set[int] = set()
        if seqset.saved:
            found.update(u for u in saved or () if u in self.records)
            seqset = SequenceSet(seqset.ranges)
        if by_uid:
            found.update(seqset.members(self.uids))
        else:
            for lo, hi in seqset.resolve(len(self.uids)):
                found.update(self.uids[lo - 1: min(hi, len(self.uids))])
        return sorted(found)

    def seq_range_valid(self, seqset: SequenceSet) -> bool:
        """RFC 9051 §6.4.5: a message number beyond EXISTS is an error.

        A range with `*` is never one: it reaches the last message, and in an
        empty mailbox it names none (`1:*` then matches nothing, as on Cyrus).
        """
        exists = len(self.uids)
        return all(max(lo, hi) <= exists for lo, hi in seqset.ranges if STAR not in (lo, hi))

    def arrivals(self, changes: Changes) -> list[MessageRecord]:
        """The records in `changes` that are new to this view."""
        return [r for r in changes.changed if r.uid not in self.records and r.uid >= self.uidnext]

    def apply(self, changes: Changes, *, allow_expunge: bool, rev2: bool,
              with_uid: bool, condstore: bool = False, qresync: bool = False,
              recent_mark: int = 0, flags: bool = True) -> list[bytes]:
        """Take in `changes`; return the untagged replies to send now.

        `condstore`: FETCH replies carry UID and MODSEQ (RFC 7162 §3.2.4);
        `qresync`: expunges go out as one VANISHED (§3.2.10.2);
        `recent_mark`: the new messages above it are \\Recent to this
        session (it claimed them, `Store.claim_recent`); not `flags`:
        flag changes are taken in unannounced (NOTIFY without FlagChange).
        """
        lines = self.learn_keywords(changes.changed)
        gone = [u for u in changes.expunged if u in self.records]
        if changes.live is not None:  # the store purged some of its feed: compare
            live = set(changes.live)
            gone = [u for u in self.uids if u not in live]
        if gone and not self.pending_expunge:
            self.pending_since = self.modseq  # all before this was announced
        self.pending_expunge.update(gone)
        if allow_expunge and self.pending_expunge:
            lines += self._announce_expunges(qresync)
        new = self.arrivals(changes)
        for record in changes.changed:
            old = self.records.get(record.uid)
            if old is None or record.uid in self.pending_expunge:
                continue
            self.records[record.uid] = record
            if old.flags != record.flags and flags:
                lines.append(self.fetch_flags_line(record.uid, with_uid or condstore, condstore))
        lines += self._add_new(new, rev2, recent_mark)
        self.modseq = max(self.modseq, changes.highestmodseq)
        return lines

    def take_new(self, changes: Changes, rev2: bool, recent_mark: int) -> list[bytes]:
        """Take in only the messages that arrived; their EXISTS (and RECENT).

        The rest of `changes` (flags, expunges) is left for `apply`: `modseq`
        stays, so the next look reads them again, and finds these already here.
        """
        gone = set(changes.expunged)
        new = [r for r in changes.changed
               if r.uid not in self.records and r.uid >= self.uidnext and r.uid not in gone]
        return self.learn_keywords(new) + self._add_new(new, rev2, recent_mark)

    def _add_new(self, new: list[MessageRecord], rev2: bool, recent_mark: int) -> list[bytes]:
        """Append the arrivals; those above `recent_mark` are \\Recent here."""
        if not new:
            return []
        for record in new:
            self.uids.append(record.uid)
            self.records[record.uid] = record
            if record.uid > recent_mark:
                self.recent.add(record.uid)
        self.uidnext = max(r.uid for r in new) + 1
        lines = [b"%d EXISTS" % len(self.uids)]
        if not rev2:
            lines.append(b"%d RECENT" % len(self.recent))
        return lines

    def _announce_expunges(self, qresync: bool) -> list[bytes]:
        """Drop the pending expunges from the view: `n EXPUNGE` each, highest
        number first so every number is right when the client reads it, or
        one `VANISHED uids` (RFC 7162 §3.2.10.2)."""
        doomed = sorted(self.pending_expunge)
        if qresync:
            lines = [b"VANISHED " + SequenceSet.from_ids(doomed).render().encode()]
        else:
            lines = [b"%d EXPUNGE" % self.seq_of(uid) for uid in reversed(doomed)]
        gone = self.pending_expunge
        self.uids = [u for u in self.uids if u not in gone]
        for uid in doomed:
            del self.records[uid]
            self.recent.discard(uid)
            self.savedates.pop(uid, None)
        self.pending_expunge = set()
        return lines

    @property
    def announced_modseq(self) -> int:
        """The HIGHESTMODSEQ the client may take as synchronised: below any
        expunge it has not been told of (RFC 7162 §3.2, §6)."""
        return self.pending_since if self.pending_expunge else self.modseq

    def flag_list(self, record: MessageRecord) -> bytes:
        """The FLAGS of a message as this session shows them."""
        return render_flags(record.flags, self.show_recent and record.uid in self.recent)

    def fetch_flags_line(self, uid: int, with_uid: bool, with_modseq: bool = False) -> bytes:
        """`n FETCH (FLAGS (...) [UID u] [MODSEQ (m)])` of a cached record."""
        record = self.records[uid]
        tail = b" UID %d" % uid if with_uid else b""
        if with_modseq:
            tail += b" MODSEQ (%d)" % record.modseq
        return b"%d FETCH (FLAGS %s%s)" % (self.seq_of(uid), self.flag_list(record), tail)


    def note_own(self, changed: Iterable[MessageRecord] = (), expunged: Iterable[int] = ()) -> None:
        """Keep what the session's own STORE (`changed`, one MODSEQ) or
        EXPUNGE (`expunged`) wrote, so `poll` need not read it back.

        Every write takes the mailbox's next MODSEQ, once: if the store is at
        `modseq + 1` at the next look, nothing but this write happened since
        the last one, and these are exactly the changes the look would read.
        """
        records = tuple(changed)
        gone = tuple(sorted(expunged))
        if not records and not gone:
            return
        after = self.modseq + 1
        self.own = None if any(r.modseq != after for r in records) else Changes(
            after, records, gone)


async def poll(store: Store, view: SelectedMailbox, user: str) -> Changes:
    """The changes since this view last looked.

    After its own write (`note_own`) the session asks only whether the
    store is still at that write's MODSEQ (one indexed read, what the store
    answers when nothing changed); anything else reads the changes as usual.
    """
    own, view.own = view.own, None
    if own is not None and own.highestmodseq == view.modseq + 1:
        nothing = Changes(own.highestmodseq, (), ())
        if await store.changes_since(view.mailbox_id, own.highestmodseq, user) == nothing:
            return own
    return await store.changes_since(view.mailbox_id, view.modseq, user)

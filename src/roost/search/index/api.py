"""The interface to a full-text index, whatever engine serves it.

Indexes are per owner (a user id, or ``SHARED`` for mailboxes without
one), as Cyrus keeps them per user: a lookup costs what that user's mail
costs, not the whole site's. Every string here is already folded
(``roost.search.evaluate.fold``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

SHARED = "%shared"
"""The owner whose index holds the mailboxes no user owns."""

Where = Literal["body", "text", "header"]
"""BODY (body text), TEXT (header text or body text), a HEADER key (some
decoded value of one header field)."""

EXACT_FIELDS = ("subject", "from", "to", "cc", "bcc")
"""The header fields of SUBJECT, FROM, TO, CC and BCC (RFC 9051 §6.4.4),
whose values an engine may index one field apart (`Document.by_field`)
and so answer exactly; other HEADER keys it can only narrow."""


@dataclass(frozen=True, slots=True)
class Needle:
    """One searched string and where it must occur."""

    where: Where
    text: str
    field: str = ""
    """A header needle's field name, lower case ("" for body and text)."""


@dataclass(frozen=True, slots=True)
class Document:
    """What the index keeps of one body. `exact` False: the index holds no
    text for it (too large, or text SQLite cannot store), so every message
    with this body is searched directly."""

    blob: str
    header: str
    body: str
    fields: str
    attachments: str = ""
    exact: bool = True
    by_field: tuple[str, ...] = ()
    """The values of each of EXACT_FIELDS (in that order), folded as
    HEADER compares them and joined by newlines; () when not given."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the index knows of one mailbox for some needles, in its UIDs.

    `upto`: every UID at or below it is indexed except those in
    `unindexed` (bodies kept without text); `matches[n]`: the UIDs whose
    text holds needle `n`: exactly for body and text needles and for the
    header needles in `exact`, a superset for the other header ones. UIDs
    expunged since may be among them. A needle the engine cannot look up
    (trigrams: under 3 characters) has no entry.
    """

    upto: int
    unindexed: frozenset[int]
    matches: Mapping[Needle, frozenset[int]]
    exact: frozenset[Needle] = frozenset()


@dataclass(frozen=True, slots=True)
class Ranked:
    """FUZZY (RFC 6203) matches of one mailbox: UID -> score in 1..100."""

    scores: Mapping[int, int]


class FullTextIndex(Protocol):
    """A full-text index of message bodies, per owner."""

    fuzzy_always: bool
    """`search_fuzzy_always`: every SEARCH text key is read as FUZZY (RFC
    6203), as Cyrus does; set by ``open_index``. Carried by the index since
    it is what every SEARCH path is handed from the configuration, and
    FUZZY means something only where there is an index."""

    async def lookup(self, owner: str, mailbox_id: int,
                     needles: Sequence[Needle]) -> Answer | None:
        """The bodies holding each needle, or None when the owner has no
        usable index (missing, or of another TEXT_VERSION)."""

    async def fuzzy(self, owner: str, mailbox_id: int, needle: Needle) -> Ranked | None:
        """Bodies holding every word of the needle, stemmed, where it says,
        ranked (RFC 6203 §4); None: no usable index."""

    # -- feeding (from the indexer's thread; blocking)
    def marks(self, owner: str) -> dict[int, int]:
        """Mailbox id -> `upto`, for every mailbox the owner's index covers."""

    def known(self, owner: str, blobs: Sequence[str], *, rebuild: bool = False) -> set[str]:
        """Those of `blobs` the owner's index (or the one being rebuilt) holds."""

    def add(self, owner: str, mailbox_id: int, upto: int, docs: Sequence[Document],
            places: Sequence[tuple[int, str]], *, rebuild: bool = False) -> None:
        """Add documents, record which (UID, body) `places` of the mailbox
        hold indexed bodies, and move its mark to `upto`, in one
        transaction; with `rebuild`, into the index being rebuilt."""

    def drop_places(self, owner: str, mailbox_id: int, live: Collection[int],
                    below: int | None) -> list[str]:
        """Forget the mailbox's UIDs under `below` not in `live` (expunged),
        in one transaction; with `below` None (the mailbox was deleted) all
        of them and its mark. Returns the bodies no place holds any more,
        for `forget`."""

    def forget(self, owner: str, blobs: Sequence[str], docs: Sequence[Document]) -> int:
        """Remove those of `blobs` still held by no place, with their text
        where `docs` repeats exactly what was indexed (the engine may need
        it to delete); the others' text stays, unreachable, until a
        rebuild. Returns how many had their text removed."""

    def start_rebuild(self, owner: str) -> None:
        """Begin an index built beside the live one (`add(rebuild=True)`)."""

    def finish_rebuild(self, owner: str) -> None:
        """Swap the rebuilt index in, in one transaction."""

    def optimize(self, owner: str) -> None:
        """Compact the owner's index (after a batch of additions)."""

    def close(self) -> None:
        """Close the feeding connections."""

    def owners(self) -> list[str]:
        """Every owner that has an index."""

    def size(self, owner: str) -> int:
        """Bytes the owner's index takes on disk."""

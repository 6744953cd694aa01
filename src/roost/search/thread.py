"""THREAD's algorithms (RFC 5256 §3): ORDEREDSUBJECT and REFERENCES.

Both take the messages SEARCH matched, in sequence order, as `Item`s built
from the parse cache, and return a forest of `Node`s; `render` writes the
forest as RFC 5256 §4 thread-data.

Invariants:
- Every input message appears in the forest exactly once; dummies (no
  message) appear only at the top level, with two or more children.
- Ties on sent date keep sequence order (RFC 5256 §2.2).
- Trees may be as deep as the mailbox is long (a chain of replies): the
  walks here use explicit stacks, never recursion.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Item:
    """What threading needs of one message (RFC 5256 §2.1, §2.2, §3)."""

    uid: int
    seq: int
    sent: float  # RFC 5256 §2.2 sent date, INTERNALDATE when there is none
    subject: str  # base subject, under i;unicode-casemap
    is_reply: bool  # the extraction removed a subj-refwd, "(fwd)" or [fwd: ]
    message_id: str
    parents: tuple[str, ...]  # References, else the first In-Reply-To id


@dataclass(eq=False, slots=True)
class Node:
    """A message of the forest, or a dummy (``item`` None)."""

    item: Item | None = None
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)

    def first(self) -> Item:
        """The message that stands for this node in sorts: its own, or for
        a dummy its first child's (children sorted first)."""
        node = self
        while node.item is None:
            node = node.children[0]
        return node.item


def _order(node: Node) -> tuple[float, int]:
    first = node.first()
    return first.sent, first.seq


def ordered_subject(items: Sequence[Item]) -> list[Node]:
    """ORDEREDSUBJECT: by base subject then sent date; one thread per
    subject, its first message the root and the others its children;
    threads by the sent date of their first message."""
    roots: list[Node] = []
    by_subject: dict[str, Node] = {}
    for item in sorted(items, key=lambda i: (i.subject, i.sent, i.seq)):
        root = by_subject.get(item.subject)
        if root is None:
            root = by_subject[item.subject] = Node(item)
            roots.append(root)
        else:
            root.children.append(Node(item, root))
    roots.sort(key=_order)
    return roots


class _Table:
    """Step 1: the id table of nodes, dummies included."""

    def __init__(self) -> None:
        self.ids: dict[str, Node] = {}
        self.nodes: list[Node] = []  # creation order: every node once

    def node(self, message_id: str) -> Node:
        found = self.ids.get(message_id)
        if found is None:
            found = self.ids[message_id] = Node()
            self.nodes.append(found)
        return found

    def place(self, item: Item) -> Node:
        """The node of a message: a dummy waiting for this id is filled; no
        id, or an id an earlier message holds, gets a unique node."""
        found = self.ids.get(item.message_id) if item.message_id else None
        if found is not None and found.item is None:
            found.item = item
            return found
        node = Node(item)
        if item.message_id and found is None:
            self.ids[item.message_id] = node
        self.nodes.append(node)
        return node


def _descends(node: Node, ancestor: Node) -> bool:
    """Whether `node` is `ancestor` or below it."""
    walk: Node | None = node
    while walk is not None:
        if walk is ancestor:
            return True
        walk = walk.parent
    return False


def _link(parent: Node, child: Node) -> None:
    child.parent = parent
    parent.children.append(child)


def _unlink(child: Node) -> None:
    if child.parent is not None:
        child.parent.children.remove(child)
        child.parent = None


def _build(items: Sequence[Item]) -> _Table:
    """Step 1 (A) and (B)."""
    table = _Table()
    for item in items:
        own = table.place(item)
        refs = [table.node(r) for r in item.parents]
        for parent, child in itertools.pairwise(refs):  # (A)
            if child.parent is None and not _descends(parent, child):
                _link(parent, child)
        _unlink(own)  # (B): the last reference is the parent
        if refs and not _descends(refs[-1], own):
            _link(refs[-1], own)
    return table


def _prune(roots: list[Node]) -> list[Node]:
    """Step 3: dummies go; their children move up a level, except to the
    top level where only a lone child moves up. Children first, so a
    dummy's count of children is final when it is judged."""
    top = Node(children=roots)
    for child in roots:
        child.parent = top
    stack: list[tuple[Node, bool]] = [(top, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
            continue
        kept: list[Node] = []
        for child in node.children:
            if child.item is not None or (node is top and len(child.children) > 1):
                kept.append(child)
                continue
            for grandchild in child.children:  # empty dummies just go
                grandchild.parent = node
                kept.append(grandchild)
        node.children = kept
    for root in top.children:
        root.parent = None
    return top.children


def _sort_all(roots: list[Node]) -> None:
    """Sort every set of siblings by sent date, the deepest first (step 6;
    step 4 is its top-level part)."""
    stack: list[tuple[Node, bool]] = [(root, False) for root in roots]
    while stack:
        node, done = stack.pop()
        if done:
            node.children.sort(key=_order)
        else:
            stack.append((node, True))
            stack.extend((child, False) for child in node.children)
    roots.sort(key=_order)


def _merge_subjects(roots: list[Node]) -> list[Node]:
    """Step 5: threads under the root with one base subject are merged."""
    table: dict[str, Node] = {}
    for node in roots:  # (B)
        subject = node.first().subject
        if not subject:
            continue
        held = table.get(subject)
        if held is None or (held.item is not None and (
                node.item is None or (held.item.is_reply and not node.item.is_reply))):
            table[subject] = node
    merged = list(roots)
    place = {id(node): index for index, node in enumerate(merged)}
    for node in roots:  # (C)
        subject = node.first().subject
        held = table.get(subject) if subject else None
        if held is None or held is node or node.parent is not None:
            continue  # no subject, the table's own, or merged already
        if held.item is None and node.item is None:
            for child in node.children:
                _link(held, child)
            node.children = []
        elif held.item is None or (node.item is not None and node.item.is_reply
                                   and held.item is not None and not held.item.is_reply):
            _link(held, node)
        else:
            dummy = Node()
            merged[place[id(held)]] = dummy
            place[id(dummy)] = place[id(held)]
            _link(dummy, held)
            _link(dummy, node)
            table[subject] = dummy
    return [node for node in merged if node.parent is None
            and (node.item is not None or node.children)]


def references(items: Sequence[Item]) -> list[Node]:
    """REFERENCES: RFC 5256 §3 steps 1 to 6."""
    table = _build(items)
    roots = [node for node in table.nodes if node.parent is None]  # step 2
    roots = _prune(roots)  # step 3
    for root in roots:  # step 4: a dummy stands for its first child by date
        if root.item is None:
            root.children.sort(key=_order)
    roots.sort(key=_order)
    roots = _merge_subjects(roots)  # step 5
    _sort_all(roots)  # step 6
    return roots


def render(roots: Sequence[Node], number: Callable[[Item], int]) -> bytes:
    """RFC 5256 §4 thread-data after "THREAD": one thread-list per root;
    a chain of only children is `a b c`, a split nests `(..)(..)`."""
    out: list[str] = []
    # Each entry: a node to open as "(" thread-list ")", or a text to emit.
    stack: list[Node | str] = [root for root in reversed(roots)]
    while stack:
        entry = stack.pop()
        if isinstance(entry, str):
            out.append(entry)
            continue
        out.append("(")
        node, parts = entry, []
        while True:
            if node.item is not None:
                parts.append(str(number(node.item)))
            if len(node.children) != 1:
                break
            node = node.children[0]
        out.append(" ".join(parts))
        if len(node.children) > 1:
            if parts:
                out.append(" ")
            stack.append(")")
            stack.extend(reversed(node.children))
        else:
            out.append(")")
    return "".join(out).encode("ascii")

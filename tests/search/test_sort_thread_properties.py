"""Properties of SORT's ordering and THREAD's forests (RFC 5256 §3), over
generated mailboxes of parsed messages; and the RFC's own thread-data
examples (§4) rendered from their trees."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from roost.message import ParsedMessage, parse_message
from roost.search.sort import SORT_KEYS, Criterion, casemap, sort_keys, sort_uids
from roost.search.thread import Item, Node, ordered_subject, references, render
from roost.store.api import MessageRecord

SUBJECTS = ["", "a", "A", "Re: a", "b", "[x] b (fwd)", "Fwd: B", "é", "E\u0301", "re: re: a"]
ADDRESSES = ["", "a@x", "B <b@x>", "=?UTF-8?Q?=C3=89?= <e@x>", "<c@x>", "g: ;"]
IDS = ["<1@x>", "<2@x>", "<3@x>", "<4@x>", '<"1"@x>']

message_fields = st.fixed_dictionaries({
    "subject": st.sampled_from(SUBJECTS),
    "from": st.sampled_from(ADDRESSES),
    "to": st.sampled_from(ADDRESSES),
    "cc": st.sampled_from(ADDRESSES),
    "hour": st.one_of(st.none(), st.integers(0, 3)),
    "arrival": st.integers(0, 3),
    "size": st.integers(0, 3),
    "id": st.one_of(st.none(), st.sampled_from(IDS)),
    "refs": st.lists(st.sampled_from(IDS), max_size=3),
    "reply": st.one_of(st.none(), st.sampled_from(IDS)),
})


def _raw(fields: dict[str, object]) -> bytes:
    head = [f"Subject: {fields['subject']}", f"From: {fields['from']}", f"To: {fields['to']}",
            f"Cc: {fields['cc']}"]
    if fields["hour"] is not None:
        head.append(f"Date: Mon, 1 Jan 2024 {fields['hour']:02d}:00:00 +0000")
    if fields["id"] is not None:
        head.append(f"Message-ID: {fields['id']}")
    if fields["refs"]:
        head.append("References: " + " ".join(fields["refs"]))  # type: ignore[arg-type]
    if fields["reply"] is not None:
        head.append(f"In-Reply-To: {fields['reply']}")
    return ("\r\n".join(head) + "\r\n\r\n" + "x" * int(fields["size"])).encode()  # type: ignore[call-overload]


PARSED: dict[str, ParsedMessage] = {}


def _mailbox(drawn: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    """Records and `SortKeys` by blob; the parses stay in PARSED."""
    records, keys = {}, {}
    for uid, fields in enumerate(drawn, start=1):
        raw = _raw(fields)
        when = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=int(fields["arrival"]))  # type: ignore[call-overload]
        records[uid] = MessageRecord(uid, 1, frozenset(), when, len(raw), f"blob{uid}")
        PARSED[f"blob{uid}"] = parse_message(raw)
        keys[f"blob{uid}"] = sort_keys(PARSED[f"blob{uid}"])
    return records, keys


criteria = st.lists(st.builds(Criterion, st.sampled_from(sorted(SORT_KEYS)), st.booleans()),
                    min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(st.lists(message_fields, max_size=12), criteria, st.data())
def test_sort_is_a_permutation_of_the_matches(drawn, crits, data) -> None:  # type: ignore[no-untyped-def]
    records, parses = _mailbox(drawn)
    matched = sorted(data.draw(st.sets(st.sampled_from(sorted(records)))) if records else [])
    ordered = sort_uids(matched, records, parses, crits)
    assert sorted(ordered) == matched


@settings(max_examples=150, deadline=None)
@given(st.lists(message_fields, max_size=12), st.sampled_from(sorted(SORT_KEYS)))
def test_reverse_reverses_except_ties_in_sequence_order(drawn, key) -> None:  # type: ignore[no-untyped-def]
    records, parses = _mailbox(drawn)
    uids = sorted(records)
    forward = sort_uids(uids, records, parses, [Criterion(key)])
    backward = sort_uids(uids, records, parses, [Criterion(key, True)])

    def value(uid: int) -> object:
        return _key(key, uid, records, parses)

    # Groups of equal keys: the group order reverses, each group stays ascending.
    groups = [list(g) for _, g in itertools.groupby(forward, key=value)]
    assert all(g == sorted(g) for g in groups)
    assert backward == [u for g in reversed(groups) for u in g]


def _key(key: str, uid: int, records, parses) -> object:  # type: ignore[no-untyped-def]
    """The key straight from the parse: the reference SORT must agree with."""
    record, parsed = records[uid], PARSED[records[uid].blob]
    if key == "ARRIVAL":
        return record.internaldate
    if key == "SIZE":
        return record.size
    if key == "DATE":
        return parsed.sent_date or record.internaldate
    name = {"SUBJECT": "sort_subject", "FROM": "sort_from", "TO": "sort_to", "CC": "sort_cc",
            "DISPLAYFROM": "display_from", "DISPLAYTO": "display_to"}[key]
    return casemap(getattr(parsed, name))


def _items(records, parses) -> list[Item]:  # type: ignore[no-untyped-def]
    from roost.imap.handlers.thread import thread_items
    return thread_items(sorted(records), records, parses, {u: u for u in records})


def _walk(roots: list[Node]) -> list[Node]:
    seen, stack = [], list(roots)
    while stack:
        node = stack.pop()
        seen.append(node)
        stack.extend(node.children)
    return seen


@settings(max_examples=200, deadline=None)
@given(st.lists(message_fields, max_size=14), st.sampled_from([references, ordered_subject]))
def test_thread_holds_every_message_once(drawn, algorithm) -> None:  # type: ignore[no-untyped-def]
    records, parses = _mailbox(drawn)
    roots = algorithm(_items(records, parses))
    nodes = _walk(roots)
    assert sorted(n.item.uid for n in nodes if n.item is not None) == sorted(records)
    for node in nodes:
        if node.item is None:  # dummies: top level only, two children or more
            assert node in roots and len(node.children) >= 2
    text = render(roots, lambda i: i.uid).decode()
    assert sorted(int(n) for n in re.findall(r"\d+", text)) == sorted(records)
    assert text.count("(") == text.count(")")


def _item(n: int) -> Item:
    return Item(n, n, float(n), "", False, "", ())


def _tree(spec: object) -> Node:
    """(number or None, [children]) -> Node."""
    number, children = spec  # type: ignore[misc]
    node = Node(None if number is None else _item(number))
    for child in children:
        sub = _tree(child)
        sub.parent = node
        node.children.append(sub)
    return node


def test_render_gives_the_rfc_examples() -> None:
    # RFC 5256 §4: "(2)(3 6 (4 23)(44 7 96))" and "((3)(5))".
    first = [_tree((2, [])), _tree((3, [(6, [(4, [(23, [])]), (44, [(7, [(96, [])])])])]))]
    assert render(first, lambda i: i.uid) == b"(2)(3 6 (4 23)(44 7 96))"
    assert render([_tree((None, [(3, []), (5, [])]))], lambda i: i.uid) == b"((3)(5))"
    assert render([], lambda i: i.uid) == b""


def test_a_chain_as_long_as_the_mailbox_needs_no_recursion() -> None:
    items = [Item(n, n, float(n), "s", n > 1, f"{n}@x", (f"{n - 1}@x",) if n > 1 else ())
             for n in range(1, 20001)]
    text = render(references(items), lambda i: i.uid)
    assert text.startswith(b"(1 2 3 ") and text.endswith(b" 20000)")

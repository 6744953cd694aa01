"""LIST (SUBSCRIBED RECURSIVEMATCH), RFC 5258 §3.5, on the RFC's own
examples 8, 9 and 10 (with "/" as the separator, as here).

A name that is not subscribed itself comes, with CHILDINFO, only when a
subscribed descendant of it is not returned by the same LIST: "Servers
SHOULD ONLY return a non-matching mailbox name along with CHILDINFO if at
least one matching child is not also being returned" (§3.5). Example 9's
second listing (pattern "*") shows foo2 and baz2 all the same, calling
them redundant; Roost follows the section's rule, not that aside. A
subscribed name with a subscribed descendant carries CHILDINFO (example
8 A1). \\HasChildren / \\HasNoChildren come always (§4 allows it)."""

from __future__ import annotations

from tests.harness.imap import ImapTranscript


async def make(imap: ImapTranscript, created: list[str], subscribed: list[str]) -> None:
    for name in created:
        await imap.command(f"CREATE {name}")
    for name in subscribed:
        await imap.command(f"SUBSCRIBE {name}")


async def test_example_8(imap: ImapTranscript) -> None:
    await make(imap, ["Foo/Bar", "Foo/Baz", "Moo"], ["Foo/Baz"])
    await imap.play(r"""
        C: a1 LIST (SUBSCRIBED) "" "*"
        S: * LIST (\HasNoChildren \Subscribed) "/" "Foo/Baz"
        S: a1 OK {…}
        C: a2 LIST (SUBSCRIBED) "" "%"
        S: a2 OK {…}
        C: a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
        S: * LIST (\NonExistent \HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))
        S: a3 OK {…}
        C: a4 CREATE Foo
        S: a4 OK {…}
        C: a5 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
        S: * LIST (\HasChildren) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))
        S: a5 OK {…}
        C: a6 SUBSCRIBE Foo
        S: a6 OK {…}
        C: a7 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
        S: * LIST (\HasChildren \Subscribed) "/" "Foo" ("CHILDINFO" ("SUBSCRIBED"))
        S: a7 OK {…}
        C: a8 UNSUBSCRIBE Foo/Baz
        S: a8 OK {…}
        C: a9 SUBSCRIBE Moo
        S: a9 OK {…}
        C: b1 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%" RETURN (CHILDREN)
        S: * LIST (\HasChildren \Subscribed) "/" "Foo"
        S: * LIST (\HasNoChildren \Subscribed) "/" "Moo"
        S: b1 OK {…}
        C: b2 UNSUBSCRIBE Foo
        S: b2 OK {…}
        C: b3 UNSUBSCRIBE Moo
        S: b3 OK {…}
        C: b4 LIST (SUBSCRIBED RECURSIVEMATCH) "" "%"
        S: b4 OK {…}
    """)


EXAMPLE_9 = ["foo2/bar1", "foo2/bar2", "baz2/bar2", "baz2/bar22", "baz2/bar222", "eps2/mamba",
             "qux2/bar2"]


async def test_example_9(imap: ImapTranscript) -> None:
    await make(imap, ["foo2", "baz2", "eps2", *EXAMPLE_9], ["eps2", *EXAMPLE_9])
    await imap.play(r"""
        C: a1 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*2"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar2"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar22"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar222"
        S: * LIST (\HasChildren \Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\HasChildren) "/" "foo2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\HasNoChildren \Subscribed) "/" "foo2/bar2"
        S: * LIST (\HasNoChildren \Subscribed) "/" "qux2/bar2"
        S: a1 OK {…}
        C: a2 LIST (RECURSIVEMATCH SUBSCRIBED) "" "*"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar2"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar22"
        S: * LIST (\HasNoChildren \Subscribed) "/" "baz2/bar222"
        S: * LIST (\HasChildren \Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\HasNoChildren \Subscribed) "/" "eps2/mamba"
        S: * LIST (\HasNoChildren \Subscribed) "/" "foo2/bar1"
        S: * LIST (\HasNoChildren \Subscribed) "/" "foo2/bar2"
        S: * LIST (\HasNoChildren \Subscribed) "/" "qux2/bar2"
        S: a2 OK {…}
        C: a3 LIST (RECURSIVEMATCH SUBSCRIBED) "" "%"
        S: * LIST (\HasChildren) "/" "baz2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\HasChildren \Subscribed) "/" "eps2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\HasChildren) "/" "foo2" ("CHILDINFO" ("SUBSCRIBED"))
        S: * LIST (\NonExistent \HasChildren) "/" "qux2" ("CHILDINFO" ("SUBSCRIBED"))
        S: a3 OK {…}
    """)


async def test_example_10(imap: ImapTranscript) -> None:
    """foo/bar subscribed, then deleted: the subscription stays."""
    await make(imap, ["foo", "foo/bar"], ["foo/bar"])
    await imap.play(r"""
        C: a0 DELETE foo/bar
        S: a0 OK {…}
        C: a1 LIST "" ("foo" "foo/*")
        S: * LIST (\HasNoChildren) "/" "foo"
        S: a1 OK {…}
        C: a2 LIST (SUBSCRIBED) "" "foo/*"
        S: * LIST (\NonExistent \HasNoChildren \Subscribed) "/" "foo/bar"
        S: a2 OK {…}
        C: a3 LIST (SUBSCRIBED RECURSIVEMATCH) "" foo RETURN (CHILDREN)
        S: * LIST (\HasNoChildren) "/" "foo" ("CHILDINFO" ("SUBSCRIBED"))
        S: a3 OK {…}
    """)


async def test_recursivematch_alone_is_bad(imap: ImapTranscript) -> None:
    await imap.play(r"""
        C: a1 LIST (RECURSIVEMATCH) "" "*"
        S: a1 BAD {…}
        C: a2 LIST (REMOTE RECURSIVEMATCH) "" "*"
        S: a2 BAD {…}
        C: a3 NOOP
        S: a3 OK {…}
    """)

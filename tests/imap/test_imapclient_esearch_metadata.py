"""Python's `imapclient` (pinned in pyproject) on what it has no method
for, ESEARCH (RFC 4731), ESORT and CONTEXT=SEARCH (RFC 5267) and METADATA
(RFC 5464): sent through its own connection, the replies read with its
own response parser, so the values are what that library makes of them."""

from __future__ import annotations

import asyncio

from imapclient import IMAPClient
from imapclient.response_parser import parse_response
from tests.harness.imap import RunningImap
from tests.harness.site import PASSWORD


def untagged(client: IMAPClient, name: str, *args: str) -> list[tuple[object, ...]]:
    """Run a command imapclient does not know; its `name` replies, parsed."""
    raw = client._imap
    typ, data = raw.xatom(*args)  # imaplib's way to send a command it does not know
    assert typ == "OK", (args, data)
    return [parse_response([line]) for line in raw.untagged_responses.pop(name, [])
            if isinstance(line, bytes)]


def session(port: int) -> dict[str, object]:
    client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=10)
    try:
        client.login("bob", PASSWORD)
        seen: dict[str, object] = {"caps": client.capabilities()}
        client.select_folder("INBOX")
        seen["esearch"] = untagged(client, "ESEARCH", "UID", "SEARCH", "RETURN",
                                   "(MIN MAX COUNT ALL)", "ALL")
        seen["esort"] = untagged(client, "ESEARCH", "UID", "SORT", "RETURN", "(ALL)",
                                 "(REVERSE SUBJECT)", "UTF-8", "ALL")
        seen["context"] = untagged(client, "ESEARCH", "UID", "SEARCH", "RETURN",
                                   "(UPDATE COUNT)", "FLAGGED")
        client.add_flags([2], [b"\\Flagged"])
        seen["update"] = untagged(client, "ESEARCH", "NOOP")
        untagged(client, "METADATA", "SETMETADATA", "INBOX", '(/private/comment "from imapclient")')
        seen["metadata"] = untagged(client, "METADATA", "GETMETADATA", "INBOX", "/private/comment")
        return seen
    finally:
        client.logout()


async def test_imapclient_esearch_esort_context_metadata(imap_server: RunningImap) -> None:
    seen = await asyncio.to_thread(session, imap_server.port)
    assert {b"ESEARCH", b"ESORT", b"CONTEXT=SEARCH", b"METADATA"} <= set(seen["caps"])  # type: ignore[call-overload]
    ((esearch,),) = [seen["esearch"]]
    assert esearch[1:] == (b"UID", b"MIN", 1, b"MAX", 2, b"COUNT", 2, b"ALL", b"1:2")
    ((esort,),) = [seen["esort"]]
    assert esort[1:] == (b"UID", b"ALL", b"2,1")  # "Hello 2" before "Hello 1"
    ((context,),) = [seen["context"]]
    assert context[1:] == (b"UID", b"COUNT", 0)
    assert [line[1:] for line in seen["update"]] == [(b"UID", b"ADDTO", (0, 2))]  # type: ignore[attr-defined]
    assert seen["metadata"] == [(b"INBOX", (b"/private/comment", b"from imapclient"))]

"""`roost quota`: Cyrus's report, -f recounting beside the records, -n, -q, -J, -u, -d."""

from __future__ import annotations

import json

import pytest
from tests.harness.imap import sample_message
from tests.harness.site import Site
from tests.tools.damage import fill, sql, tool

from roost.store.open import open_store

HEADER = "   Quota   % Used     Used             Resource Root\n"


@pytest.fixture
async def rooted(site: Site) -> Site:
    """bob: 3 messages in INBOX, 2 in Sent, root user.bob with STORAGE and
    MESSAGE limits; bobby: a root without limits; alice: no root."""
    await fill(site, {"user.bob": range(1, 4), "user.bob.Sent": range(4, 6),
                      "user.bobby": range(6, 7), "user.alice": range(7, 8)})
    store = open_store(site.conf)
    try:
        await store.set_quota("user.bob", {"STORAGE": 100, "MESSAGE": 10})
        await store.set_quota("user.bobby", {})
    finally:
        await store.close()
    return site


def bob_bytes() -> int:
    return sum(len(sample_message(n)) for n in range(1, 6))


async def test_report_has_cyrus_columns(rooted: Site) -> None:
    """Cyrus's reportquota: ` %7d %8d` limit and percent (17 blanks when
    unlimited), ` %8d %20s %s` used, resource, root; STORAGE in KiB."""
    status, out, err = await tool(rooted, "quota")
    kib = bob_bytes() // 1024
    bobby_kib = len(sample_message(6)) // 1024
    assert (status, err) == (0, "")
    assert out == (
        HEADER
        + f"     100 {kib * 100 // 100:8d} {kib:8d}              STORAGE user/bob\n"
        + "      10       50        5              MESSAGE user/bob\n"
        + "                         2        X-NUM-FOLDERS user/bob\n"
        + f"                  {bobby_kib:8d}              STORAGE user/bobby\n"
        + "                         1              MESSAGE user/bobby\n"
        + "                         1        X-NUM-FOLDERS user/bobby\n")


async def test_prefixes_and_user_ids(rooted: Site) -> None:
    """A MAILBOX-SPEC is a name prefix (user.bob covers user.bobby); -u
    takes user ids, each only its own tree."""
    _, out, _ = await tool(rooted, "quota", "user.bob")
    assert out.count("user/bobby") == 3 and out.count("user/bob\n") == 3
    _, out, _ = await tool(rooted, "quota", "-u", "bob")
    assert "user/bobby" not in out and out.count("user/bob\n") == 3
    _, out, _ = await tool(rooted, "quota", "user.alice")
    assert out == HEADER


async def test_fix_recounts_a_drifted_root(rooted: Site) -> None:
    sql(rooted, "UPDATE quota_roots SET storage_used = 7, messages_used = 9 WHERE root = 'user.bob'")
    status, out, err = await tool(rooted, "quota", "-f", "-n", "-q")
    assert (status, out) == (0, "")
    assert err == (f"user.bob: STORAGE usage was 7, now {bob_bytes()}\n"
                   "user.bob: MESSAGE usage was 9, now 5\n")
    assert sql(rooted, "SELECT messages_used FROM quota_roots WHERE root = 'user.bob'") == [(9,)]
    status, out, again = await tool(rooted, "quota", "-f")
    assert (status, again) == (0, err)
    assert "      10       50        5              MESSAGE user/bob" in out
    assert await tool(rooted, "quota", "-f", "-q") == (0, "", "")  # nothing left to fix


async def test_json_report(rooted: Site) -> None:
    """Cyrus's -J: used (STORAGE in octets), limit in octets only where set."""
    status, out, _ = await tool(rooted, "quota", "-J")
    assert status == 0
    report = json.loads(out)
    assert report["user/bob"]["STORAGE"] == {"used": bob_bytes(), "limit": 100 * 1024}
    assert report["user/bob"]["MESSAGE"] == {"used": 5, "limit": 10}
    assert report["user/bobby"]["X-NUM-FOLDERS"] == {"used": 1}
    assert "user/alice" not in report


async def test_domain_limits_the_report(rooted: Site) -> None:
    assert await tool(rooted, "quota", "-d", "example.com") == (0, HEADER, "")


async def test_u_without_users_is_a_usage_error(rooted: Site) -> None:
    status, _, err = await tool(rooted, "quota", "-u")
    assert status == 2 and "-u needs at least one user id" in err

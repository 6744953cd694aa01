""""Other Users" and "Shared Folders" in the four combinations of
altnamespace and unixhierarchysep: NAMESPACE, LIST, LSUB, STATUS,
SUBSCRIBE and SELECT as bob sees alice's `user.alice.Shared` (shared
with him `lrs`) and the shared folder `news` (`anyone lrs`).

The expected replies are Debian's cyrus-imapd 3's, taken on loopback with
the same scenario (in the order Roost sorts them: RFC 9051 §6.3.9 sets
none): the namespace prefixes, the `\\Noselect \\HasChildren` of the
levels a `%` stops at, and PERMANENTFLAGS holding only `\\Seen` for
`lrs` (RFC 4314 §4: they MUST reflect the rights).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.harness.imap import RunningImap, play_as, running_imap
from tests.harness.site import make_site


@dataclass(frozen=True)
class Spelling:
    """How bob writes the names in one combination of the two options."""

    alt: bool
    unix: bool

    @property
    def sep(self) -> str:
        return "/" if self.unix else "."

    @property
    def namespace(self) -> str:
        s = self.sep
        if self.alt:
            return f'(("" "{s}")) (("Other Users{s}" "{s}")) (("Shared Folders{s}" "{s}"))'
        return f'(("INBOX{s}" "{s}")) (("user{s}" "{s}")) (("" "{s}"))'

    @property
    def other(self) -> str:
        """alice's shared folder."""
        s = self.sep
        return f"Other Users{s}alice{s}Shared" if self.alt else f"user{s}alice{s}Shared"

    @property
    def news(self) -> str:
        return f"Shared Folders{self.sep}news" if self.alt else "news"

    @property
    def sent(self) -> str:
        return "Sent" if self.alt else f"INBOX{self.sep}Sent"

    @property
    def tops(self) -> list[str]:
        """What `LIST "" "%"` answers, in Roost's order ({s}: the separator)."""
        if self.alt:
            return ['(\\HasNoChildren) "{s}" "INBOX"', '(\\Noselect \\HasChildren) "{s}" "Other Users"',
                    '(\\HasNoChildren) "{s}" "Sent"',
                    '(\\Noselect \\HasChildren) "{s}" "Shared Folders"']
        return ['(\\HasChildren) "{s}" "INBOX"', '(\\HasNoChildren) "{s}" "news"',
                '(\\Noselect \\HasChildren) "{s}" "user"']

    @property
    def lsub_tops(self) -> list[str]:
        """What `LSUB "" "%"` answers once the three are subscribed ({s} as above)."""
        if self.alt:
            return ['(\\Noselect \\HasChildren) "{s}" "Other Users"', '() "{s}" "Sent"',
                    '(\\Noselect \\HasChildren) "{s}" "Shared Folders"']
        return ['(\\Noselect \\HasChildren) "{s}" "INBOX"', '() "{s}" "news"',
                '(\\Noselect \\HasChildren) "{s}" "user"']


SPELLINGS = [Spelling(alt, unix) for alt in (True, False) for unix in (True, False)]


@pytest.fixture(params=SPELLINGS, ids=lambda sp: f"alt={sp.alt}-unix={sp.unix}")
async def site(request: pytest.FixtureRequest, tmp_path: Path,
               cert_dir: Path) -> AsyncIterator[tuple[RunningImap, Spelling]]:
    spelling: Spelling = request.param
    site = make_site(tmp_path / "site", cert_dir,
                     f"altnamespace: {'yes' if spelling.alt else 'no'}\n"
                     f"unixhierarchysep: {'yes' if spelling.unix else 'no'}\n")
    async with running_imap(site, messages=0) as server:
        s = spelling.sep
        await play_as(server, "admin", f"""
            C: a1 CREATE user{s}alice{s}Shared
            S: a1 OK {{…}}
            C: a2 SETACL user{s}alice{s}Shared bob lrs
            S: a2 OK {{…}}
            C: a3 CREATE news
            S: a3 OK {{…}}
            C: a4 SETACL news anyone lrs
            S: a4 OK {{…}}
            C: a5 CREATE user{s}bob{s}Sent
            S: a5 OK {{…}}
        """)
        yield server, spelling


def _lines(kind: str, entries: list[str], sep: str) -> str:
    return "".join(f"S: * {kind} {entry.format(s=sep)}\n" for entry in entries)


async def test_namespace_and_list(site: tuple[RunningImap, Spelling]) -> None:
    server, sp = site
    s = sp.sep
    everything = sorted(["INBOX", sp.sent, sp.other, sp.news])
    leaf = "\\HasNoChildren"
    children = {"INBOX": leaf if sp.alt else "\\HasChildren"}
    listed = "".join(f'S: * LIST ({children.get(name, leaf)}) "{s}" "{name}"\n'
                     for name in everything)
    owner = sp.other.rsplit(s, 1)[0]
    await play_as(server, "bob", f"""
        C: b1 NAMESPACE
        S: * NAMESPACE {sp.namespace}
        S: b1 OK {{…}}
        C: b2 LIST "" "*"
        {listed}S: b2 OK {{…}}
        C: b3 LIST "" "%"
        {_lines("LIST", sp.tops, s)}S: b3 OK {{…}}
        C: b4 LIST "" "{owner}{s}%"
        S: * LIST (\\HasNoChildren) "{s}" "{sp.other}"
        S: b4 OK {{…}}
        C: b5 LIST "" "{owner}"
        S: * LIST (\\Noselect \\HasChildren) "{s}" "{owner}"
        S: b5 OK {{…}}
        C: b6 STATUS "{sp.other}" (MESSAGES)
        S: * STATUS "{sp.other}" (MESSAGES 0)
        S: b6 OK {{…}}
        C: b7 STATUS "{sp.news}" (MESSAGES)
        S: * STATUS "{sp.news}" (MESSAGES 0)
        S: b7 OK {{…}}
    """)


async def test_subscribe_lsub_select(site: tuple[RunningImap, Spelling]) -> None:
    server, sp = site
    s = sp.sep
    subscribed = sorted([sp.sent, sp.other, sp.news])
    lsub = "".join(f'S: * LSUB () "{s}" "{name}"\n' for name in subscribed)
    listed = "".join(f'S: * LIST (\\HasNoChildren \\Subscribed) "{s}" "{name}"\n'
                     for name in subscribed)
    selected = "".join(f"""
        C: s{n} SELECT "{name}"
        S: * 0 EXISTS
        S: * 0 RECENT
        S: * FLAGS (\\Answered \\Flagged \\Draft \\Deleted \\Seen)
        S: * OK [PERMANENTFLAGS (\\Seen)] {{…}}
        S: * OK [UIDVALIDITY {{…}}
        S: * OK [UIDNEXT 1] {{…}}
        S: * OK [HIGHESTMODSEQ {{…}}
        S: * OK [URLMECH INTERNAL] Ok
        S: * OK [MAILBOXID {{…}}
        S: s{n} OK [READ-WRITE] {{…}}
        C: c{n} CLOSE
        S: c{n} OK {{…}}""" for n, name in enumerate((sp.other, sp.news)))
    await play_as(server, "bob", f"""
        C: b1 SUBSCRIBE "{sp.other}"
        S: b1 OK {{…}}
        C: b2 SUBSCRIBE "{sp.news}"
        S: b2 OK {{…}}
        C: b3 SUBSCRIBE "{sp.sent}"
        S: b3 OK {{…}}
        C: b4 LSUB "" "*"
        {lsub}S: b4 OK {{…}}
        C: b5 LSUB "" "%"
        {_lines("LSUB", sp.lsub_tops, s)}S: b5 OK {{…}}
        C: b6 LIST (SUBSCRIBED) "" "*"
        {listed}S: b6 OK {{…}}
        {selected}
    """)
    subscriptions = await server.ctx.store.subscriptions("bob")
    assert sorted(subscriptions) == ["news", "user.alice.Shared", "user.bob.Sent"]

"""Where `group:NAME` identifiers come from: one interface, `GroupSource`.

The default is Cyrus's unix auth: groups are read from a file in
/etc/group format (`unix_group_file`, /etc/group unless set), a user
belonging to each group that lists them as a member, and, in the system
file, to the group of their primary gid. `unix_group_enable: no` turns
group lookup off, as in Cyrus. Other sources (SQL, LDAP) implement the
same one method.
"""

from __future__ import annotations

import logging
import pwd
from pathlib import Path
from typing import Protocol

from roost.config import Config

log = logging.getLogger(__name__)

GROUP_PREFIX = "group:"
"""How an ACL identifier names a group (Cyrus: `group:staff`)."""

SYSTEM_GROUP_FILE = "/etc/group"


class GroupSource(Protocol):
    def groups_of(self, user: str) -> frozenset[str]:
        """The `group:NAME` identifiers of user id `user`."""


class NoGroups:
    """`unix_group_enable: no`: nobody is in any group."""

    def groups_of(self, user: str) -> frozenset[str]:
        return frozenset()


class GroupFile:
    """Groups from a file in /etc/group format (`name:password:gid:members`)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _primary_gid(self, user: str) -> str | None:
        if str(self.path) != SYSTEM_GROUP_FILE:
            return None
        try:
            return str(pwd.getpwnam(user).pw_gid)
        except KeyError:
            return None

    def groups_of(self, user: str) -> frozenset[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as err:
            log.warning("cannot read groups from %s: %s", self.path, err.strerror)
            return frozenset()
        primary = self._primary_gid(user)
        found = set()
        for line in text.splitlines():
            fields = line.strip().split(":")
            if len(fields) < 4 or not fields[0] or fields[0].startswith("#"):
                continue
            members = {m.strip() for m in fields[3].split(",")}
            if user in members or (primary is not None and fields[2] == primary):
                found.add(GROUP_PREFIX + fields[0])
        return frozenset(found)


def group_source(conf: Config) -> GroupSource:
    """The group source the configuration names."""
    if not conf.unix_group_enable:
        return NoGroups()
    return GroupFile(Path(conf.unix_group_file or SYSTEM_GROUP_FILE))

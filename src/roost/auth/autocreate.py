"""Creating a user's INBOX the first time they log in or mail arrives for
them, with Cyrus 3's options (imapoptions, `autocreate_*`):

- `autocreate_quota` at or above 0 turns it on at login, for users of
  `autocreate_users` (default `anyone`; user ids and `group:NAME`s), never
  for administrators (they have no mailboxes) or anonymous; the INBOX gets
  that STORAGE quota in KiB when above 0 (0: no quota), and
  `autocreate_quota_messages` a MESSAGE quota when above 0;
- `autocreate_post` also creates it when LMTP delivers to a user without
  one (still only with `autocreate_quota` at or above 0, as Cyrus's
  lmtpd asks);
- `autocreate_inbox_folders` (`Junk | Trash`, levels split on the
  separator users see) are created with it, and the user is subscribed to
  those of them `autocreate_subscribe_folders` names;
- `autocreate_sieve_script` (a file) becomes the new user's active Sieve
  script, named after the file without its extension, as Cyrus's
  autosieve does; a file that cannot be read or compiled is logged and
  the user is made without it.

All of it is one store call (`Store.create_user`), so a user is never
left half made; two workers creating the same user race harmlessly (one
creates, the other finds it made).
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from roost.auth.identity import Identity
from roost.config import Config
from roost.sieve import SieveCompileError, SieveOptions, compile_script, dump_compiled
from roost.store.api import QUOTA_RESOURCES, MailboxExists, MailboxInfo, MailboxNotFound, Store
from roost.store.names import encode_level, user_inbox
from roost.store.open import open_scripts

log = logging.getLogger(__name__)


def _folders(text: str) -> list[str]:
    return [name.strip() for name in text.split("|") if name.strip()]


def may_autocreate(conf: Config, who: Identity) -> bool:
    """Whether `who`'s INBOX may be created for them."""
    if conf.autocreate_quota < 0 or who.anonymous or who.is_admin:
        return False
    allowed = set(conf.autocreate_users)
    return "anyone" in allowed or who.user in allowed or bool(allowed & who.groups)


async def autocreate_user(store: Store, conf: Config, who: Identity) -> MailboxInfo | None:
    """Create `who`'s INBOX (and its folders, quota, subscriptions) if it
    is missing and may be made; the new INBOX, or None when nothing was made."""
    if not may_autocreate(conf, who):
        return None
    inbox = user_inbox(who.user)
    try:
        await store.get_mailbox(inbox)  # a read, so that logins write nothing
        return None
    except MailboxNotFound:
        pass
    subfolders = {name: inbox + "." + ".".join(encode_level(level) for level in
                                               name.split(conf.hierarchy_sep))
                  for name in _folders(conf.autocreate_inbox_folders)}
    subscribed = [subfolders[name] for name in _folders(conf.autocreate_subscribe_folders)
                  if name in subfolders]
    limits = {resource: value for resource, value in
              zip(QUOTA_RESOURCES, (conf.autocreate_quota, conf.autocreate_quota_messages))
              if value > 0}
    try:
        made = await store.create_user(who.user, folders=list(subfolders.values()),
                                       limits=limits or None, subscriptions=subscribed)
    except MailboxExists:
        return None
    if conf.autocreate_sieve_script:
        await give_default_script(conf, who.user, store)
    return made


async def give_default_script(conf: Config, user: str, store: Store) -> None:
    """Install `autocreate_sieve_script` as `user`'s active script (in
    `store`'s database with store_backend: postgres)."""
    path = Path(conf.autocreate_sieve_script)
    name = path.name.removesuffix(path.suffix) if path.suffix in (".script", ".sieve", ".siv") \
        else path.name
    try:
        source = await asyncio.to_thread(path.read_bytes)
        options = SieveOptions.from_config(conf)
        program = await asyncio.to_thread(compile_script, source, options)
    except (OSError, SieveCompileError) as err:
        log.error("autocreate_sieve_script %s: not given to %s: %s", path, user, err)
        return
    scripts = open_scripts(conf, store)
    await scripts.put_script(user, name, source, dump_compiled(program, source, options))
    await scripts.set_active(user, name)

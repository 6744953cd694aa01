"""roost.nntp: the NNTP service (RFC 3977, AUTHINFO RFC 4643, STARTTLS
RFC 4642, articles RFC 5536/5537), as Cyrus's nntpd serves it.

Invariants:
- Newsgroups are shared mailboxes under `newsprefix` (`newsgroups.py`);
  article numbers are UIDs; every rights decision goes through
  `ctx.access` (read: `l` and `r`, post: `p`) and a group the client may
  not read is answered exactly like a missing one.
- Logins only through `ctx.logins`; AUTHINFO USER only where IMAP LOGIN
  would be allowed (`roost.auth.sasl.plaintext_allowed`).
- Nothing a client sends breaks the session: over-long lines, bad
  commands, numbers, ranges and message-ids get a 5xx and the session
  goes on; an article over `maxmessagesize` (1,000,000 octets when that
  is 0) is dropped as it arrives and refused, and a refused article leaves
  the store unchanged.
- OVER and HDR read the parse-once cache, never the message files (HDR of
  a field the cache does not keep reads only the header block); article
  text is streamed, dot-stuffed, a chunk at a time.
- Articles are found by Message-ID through the store's index, never by
  reading every message.
- LIST ACTIVE, NEWGROUPS and GROUP read each group's count and bounds
  (`Store.uid_ranges`, one call for all groups), never its articles; a
  group's articles are read once, by the first command that needs them.
"""

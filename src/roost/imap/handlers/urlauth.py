"""URLAUTH (RFC 4467): GENURLAUTH, RESETKEY, URLFETCH, with the INTERNAL
mechanism; what BURL submission (RFC 4468) fetches through.

A URLAUTH URL is an absolute IMAP URL to a message or part, ending in
`;URLAUTH=<access>:internal:<token>`; the token is HMAC-SHA1 (RFC 2104)
of the URL rump (all before `:internal:`) under the owner's access key of
that mailbox (RFC 4467 §7), kept by the store (`UrlAuthStore`) and made
on the first GENURLAUTH. URLFETCH gives the octets only when every check
passes, and NIL otherwise, without saying which failed (§4): the token,
the expiry, the access identifier (§3: `anonymous`, `authuser`,
`user+<id>`, `submit+<id>` for the `submitservers`), and the owner's
`r` right at fetch time (through `ctx.access`, so a revoked ACL revokes
the URLs too). No `\\Seen` is set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from roost.auth.identity import BadUsername, canonical_user, identity_for
from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.handlers.names import open_mailbox
from roost.imap.handlers.urlparts import PartReader, UrlUnusable, url_mailbox
from roost.imap.imapurl import ImapUrl, parse_url
from roost.imap.responses import Done, string
from roost.imap.session import Session
from roost.store.names import Namespace
from roost.store.urlauth import UrlAuthStore

MECHANISM = "INTERNAL"
#: RFC 4467 §7: the key SHOULD hold at least 128 bits; it holds 256.
KEY_BYTES = 32


def _store(s: Session) -> UrlAuthStore:
    if not isinstance(s.store, UrlAuthStore):
        raise No("CANNOT", "This mail store keeps no URLAUTH keys")
    return s.store


def _token(key: bytes, rump: str) -> str:
    """RFC 4467 §7 INTERNAL: HMAC-SHA1 of the rump, in hex (40 digits)."""
    return hmac.new(key, rump.encode("utf-8"), hashlib.sha1).hexdigest()


def _mechanisms(asked: tuple[str, ...]) -> None:
    unknown = [m for m in asked if m != MECHANISM]
    if unknown:
        raise No(None, f"Unknown URLAUTH mechanism {unknown[0]}")


def _canonical(s: Session, user: str | None) -> str | None:
    try:
        return None if user is None else canonical_user(user, s.conf)
    except BadUsername:
        return None


def _expired(url: ImapUrl) -> bool:
    return url.expire is not None and url.expire <= datetime.now(UTC)


async def genurlauth(s: Session, cmd: c.GenUrlAuth) -> None:
    """RFC 4467 §4: sign each rump; a rump that is not the user's own, has
    expired or names nothing they may read fails the command."""
    signed: list[bytes] = []
    reader = PartReader(s)
    for rump, mechanism in cmd.rumps:
        _mechanisms((mechanism,))
        try:
            url = parse_url(rump)
        except ValueError:
            raise BadCommand(None, "Not an IMAP URL rump") from None
        if url.host is None or url.access is None or url.mechanism is not None:
            raise BadCommand(None, "A URL rump is an absolute URL ending in ;URLAUTH=access")
        if _canonical(s, url.user) != s.user:
            raise No(None, "A URL rump names the logged-in user")
        if _expired(url):
            raise No(None, "URL has already expired")
        try:
            info = await url_mailbox(s, url, s.identity, s.ns)
            await reader.octets(url, info)
        except UrlUnusable:
            raise No(None, "URL names no message part you may read") from None
        key = await _store(s).make_access_key(s.user, info.id, secrets.token_bytes(KEY_BYTES))
        signed.append(string(f"{rump}:internal:{_token(key, rump)}"))
    s.untagged(b"GENURLAUTH " + b" ".join(signed))


async def resetkey(s: Session, cmd: c.ResetKey) -> Done:
    """RFC 4467 §4: forget the keys (of one mailbox, or all), so every URL
    signed with them fails; the next GENURLAUTH makes a new key."""
    _mechanisms(cmd.mechanisms)
    if cmd.mailbox is None:
        await _store(s).reset_keys(s.user)
        return Done("All keys removed")
    info = await open_mailbox(s, cmd.mailbox, "")
    await _store(s).reset_keys(s.user, info.id)
    return Done("Key removed", f"URLMECH {MECHANISM}")


def _may_use(s: Session, access: str) -> bool:
    """RFC 4467 §3: who the access identifier lets fetch."""
    kind, _, who = access.partition("+")
    if kind == "anonymous":
        return True
    if kind == "authuser":
        return not s.identity.anonymous
    if kind == "user":
        return _canonical(s, who) == s.user and not s.identity.anonymous
    servers = set(s.conf.submitservers)
    return kind == "submit" and (s.user in servers or bool(servers & s.identity.groups))


async def _authorized(s: Session, reader: PartReader, text: str) -> bytes | None:
    """The octets of a URLAUTH URL if every check passes, else None."""
    try:
        url = parse_url(text)
    except ValueError:
        return None
    owner_id = _canonical(s, url.user)
    if (url.host is None or owner_id is None or url.access is None or url.token is None
            or url.mechanism != MECHANISM or _expired(url) or not _may_use(s, url.access)):
        return None
    owner = identity_for(owner_id, s.conf)
    try:
        info = await url_mailbox(s, url, owner, Namespace(s.conf, owner.user, owner.is_admin))
        key = await _store(s).access_key(owner.user, info.id)
        if key is None or not hmac.compare_digest(_token(key, url.rump), url.token):
            return None
        return await reader.octets(url, info)
    except UrlUnusable:
        return None


async def urlfetch(s: Session, cmd: c.UrlFetch) -> None:
    """RFC 4467 §4: one `URLFETCH url data` (NIL when unusable) per URL."""
    reader = PartReader(s)
    for text in cmd.urls:
        data = await _authorized(s, reader, text)
        if data is None:
            s.untagged(b"URLFETCH " + string(text) + b" NIL")
        else:
            s.untagged_pieces((b"URLFETCH ", string(text), b" {%d}\r\n" % len(data), data))

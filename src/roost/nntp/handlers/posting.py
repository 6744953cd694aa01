"""POST and IHAVE (RFC 3977 §6.3): the go-ahead, then the article when the
wire has read it (`finish`).

Codes per RFC 3977: POST 340 then 240 / 441; IHAVE 335 then 235, 436
(try again later: the store could not keep it now) or 437 (rejected: do
not send again), and 435 before the transfer for an article we have.
Everything is checked before anything is stored, and the article goes
into all its groups in one store call (one body, one transaction), so a
refused article leaves the store as it was.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from roost.auth.identity import Identity, identity_for
from roost.nntp import commands as c
from roost.nntp import responses as r
from roost.nntp.errors import NOT_PERMITTED, Reply
from roost.nntp.feed import feed, is_peer, parse_peers
from roost.nntp.injection import Article, Injector, Refused
from roost.nntp.session import After, Session
from roost.store.api import (
    Delivery,
    InvalidMessage,
    MailboxNotFound,
    OverQuota,
    PermissionDenied,
    StorageFull,
)

log = logging.getLogger(__name__)
#: Feeds still running, so they are not collected before they finish.
_FEEDS: set[asyncio.Task[None]] = set()


def injector(s: Session) -> Injector:
    conf = s.conf
    return Injector(conf.servername or "roost", conf.newspostuser, conf.newsaddheaders,
                    conf.defaultdomain)


async def known(s: Session, message_id: str) -> bool:
    """Whether a served group already holds an article with that message-id."""
    for mailbox_id, _ in await s.ctx.store.messages_with_message_id(message_id):
        try:
            if s.news.group((await s.ctx.store.mailbox_by_id(mailbox_id)).name) is not None:
                return True
        except MailboxNotFound:
            continue
    return False


async def post(s: Session, cmd: c.Simple) -> None:
    """RFC 3977 §6.3.1: 340, then the article."""
    s.receiving = None
    s.after = After.READ_ARTICLE
    s.send(r.status(340, "Send article to be posted"))


async def ihave(s: Session, cmd: c.Ihave) -> None:
    """RFC 3977 §6.3.2, from the peers `newspeer` names (502 to anyone else)."""
    if not await is_peer(parse_peers(s.conf.newspeer), s.peer_ip):
        raise NOT_PERMITTED
    if await known(s, cmd.message_id.value):
        raise Reply(435, "Article not wanted")
    s.receiving = cmd.message_id
    s.after = After.READ_ARTICLE
    s.send(r.status(335, "Send article to be transferred"))


async def _targets(s: Session, who: Identity, article: Article) -> list[Delivery]:
    """The served groups of the article that exist; `p` needed on every one."""
    targets: dict[int, Delivery] = {}
    for group in article.groups:
        name = s.news.mailbox(group)
        if name is None:
            continue
        try:
            info = await s.ctx.store.get_mailbox(name)
        except MailboxNotFound:
            continue  # as Cyrus: groups we do not carry are skipped
        try:
            await s.ctx.access.require(who, info, "p", blind=True)
        except (MailboxNotFound, PermissionDenied):
            raise Refused(f"Posting to {group} not allowed") from None
        targets[info.id] = Delivery(info.id)
    if not targets:
        raise Refused("No such newsgroup")
    return list(targets.values())


async def finish(s: Session, raw: bytes | None) -> None:
    """The article has been read (`None`: it was over the size limit)."""
    offered = s.receiving
    s.receiving = None
    ok, refused, retry = (240, 441, 441) if offered is None else (235, 437, 436)
    if raw is None:
        raise Reply(refused, "Article too big")
    try:
        if offered is None:
            article = injector(s).post(raw, datetime.now(UTC))
            who = s.identity
        else:
            article = injector(s).relay(raw, offered.value)
            who = identity_for(s.conf.newsmaster, s.conf)
        # RFC 3977 §6.3.1.3 / §6.3.2.3: a message-id we hold already.
        if await known(s, article.message_id):
            raise Refused("Duplicate message-id")
        targets = await _targets(s, who, article)
        await s.ctx.store.deliver(targets, article.raw)
    except Refused as why:
        raise Reply(refused, f"Article rejected: {why}") from None
    except (StorageFull, OverQuota) as err:
        raise Reply(retry, f"Article not stored: {type(err).__name__}") from None
    except InvalidMessage:
        raise Reply(refused, "Article rejected: empty") from None
    log.info("nntp %s: article <%s> stored in %d group(s)", s.peer, article.message_id,
             len(targets))
    s.send(r.status(ok, f"<{article.message_id}> Article received ok"))
    peers = parse_peers(s.conf.newspeer)
    if peers:  # relayed articles too: the Path check keeps them from going back
        task = asyncio.create_task(feed(peers, article.message_id, article.groups, article.raw))
        _FEEDS.add(task)
        task.add_done_callback(_FEEDS.discard)

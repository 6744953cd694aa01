"""Text of attachments through an extractor service, as Cyrus's
`search_attachment_extractor_url` protocol (imapd.conf(5)).

For each non-text leaf part: GET `<url>/<id>` (`id` is the SHA-256 of the
decoded part, so a cache on the extractor's side works across messages);
on 404, PUT the decoded part with its Content-Type; a 200 or 201 carries
the text. Any other answer, or no answer within TIMEOUT, leaves that part
out (Cyrus's partial index, `squatter -p`): the text only feeds FUZZY, so
a part left out changes a ranking, never a SEARCH answer.

Runs on the indexer's worker thread (blocking HTTP is fine there).
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request

from roost.message.mime import parse_entity
from roost.message.text import leaves
from roost.message.transfer import decode_lenient

log = logging.getLogger(__name__)

TIMEOUT = 30.0
"""Seconds an extractor has for one part."""


class HttpExtractor:
    """An `Extractor` (roost.search.index.extract) over HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")

    def __call__(self, raw: bytes) -> str:
        texts = []
        for leaf in leaves(parse_entity(raw, 0, len(raw))):
            if leaf.maintype in (b"text", b"multipart", b"message"):
                continue
            data = decode_lenient(raw[leaf.body_start:leaf.end], leaf.cte)
            ctype = (leaf.maintype + b"/" + leaf.subtype).decode("ascii", "replace")
            text = self._extract(hashlib.sha256(data).hexdigest(), data, ctype)
            if text:
                texts.append(text)
        return "\n".join(texts)

    def _extract(self, part_id: str, data: bytes, ctype: str) -> str:
        url = f"{self.url}/{part_id}"
        try:
            try:
                with urllib.request.urlopen(url, timeout=TIMEOUT) as reply:
                    return str(reply.read().decode("utf-8", "replace"))
            except urllib.error.HTTPError as err:
                if err.code != 404:
                    raise
            put = urllib.request.Request(url, data, {"Content-Type": ctype}, method="PUT")
            with urllib.request.urlopen(put, timeout=TIMEOUT) as reply:
                return str(reply.read().decode("utf-8", "replace"))
        except (OSError, ValueError) as err:  # HTTPError and URLError are OSErrors
            log.warning("attachment extractor %s: %s", url, err)
            return ""

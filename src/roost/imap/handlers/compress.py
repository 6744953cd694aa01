"""COMPRESS (RFC 4978): the handler only decides; the DEFLATE layer itself is
`roost.net.deflate`, turned on by the server once the tagged OK is out."""

from __future__ import annotations

from roost.imap import commands as c
from roost.imap.errors import BadCommand, No
from roost.imap.responses import Done
from roost.imap.session import Session

#: RFC 4978 §5: "DEFLATE" is the only algorithm defined.
MECHANISMS = frozenset({"DEFLATE"})


async def compress(s: Session, cmd: c.Compress) -> Done:
    """RFC 4978 §3: BAD for an unknown algorithm; NO [COMPRESSIONACTIVE] when
    a layer compresses already (naming it); else compress right after the OK."""
    if cmd.mechanism not in MECHANISMS:
        raise BadCommand(None, f"Unknown compression mechanism {cmd.mechanism}")
    if s.compression is not None:
        raise No("COMPRESSIONACTIVE", f"DEFLATE active via {s.compression}")
    s.after_reply = s.start_compress
    return Done("DEFLATE active")

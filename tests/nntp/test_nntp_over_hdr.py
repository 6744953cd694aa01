"""OVER/XOVER and HDR/XHDR (RFC 3977 §8.3, §8.5; RFC 2980 §2.6, §2.8),
answered from the parse-once cache."""

from __future__ import annotations

from tests.nntp.conftest import NntpTranscript, RunningNntp, article

from roost.store.postgres import PostgresStore
from roost.store.sqlite import SqliteStore

LINE = ("{n}\tArticle {n}\tAlice <alice@example.com>\tMon, 7 Feb 1994 21:52:25 -0800\t"
        "<{n}@news.example>\t{refs}\t{size}\t2")


def overview(n: int) -> str:
    refs = "<1@news.example>" if n == 3 else ""
    extra = "References: <1@news.example>\r\n" if n == 3 else ""
    return LINE.format(n=n, refs=refs, size=len(article(n, extra)))


async def test_over_of_a_range_the_current_article_and_a_message_id(
        nntp: NntpTranscript) -> None:
    await nntp.play(f"""
        C: OVER
        S: 412 {{…}}
        C: GROUP test.one
        S: 211 {{…}}
        C: OVER 1-
        S: 224 {{…}}
        S: {overview(1)}
        S: {overview(2)}
        S: {overview(3)}
        S: .
        C: OVER
        S: 224 {{…}}
        S: {overview(1)}
        S: .
        C: XOVER 2-3
        S: 224 {{…}}
        S: {overview(2)}
        S: {overview(3)}
        S: .
        C: OVER <3@news.example>
        S: 224 {{…}}
        S: {overview(3).replace("3", "0", 1)}
        S: .
        C: OVER 7-9
        S: 423 {{…}}
        C: XOVER <3@news.example>
        S: 501 {{…}}
    """)


async def test_over_reads_no_message_file(nntp: NntpTranscript,
                                          nntp_server: RunningNntp) -> None:
    """The parse-once cache answers: with the bodies gone, OVER still works."""
    store = nntp_server.ctx.store
    assert isinstance(store, SqliteStore | PostgresStore)
    records = await store.messages((await store.get_mailbox("news.test.one")).id)
    await nntp.play("""
        C: GROUP test.one
        S: 211 {…}
    """)
    for rec in records:
        store._blobs.path("default", rec.blob).unlink()
    lines = await nntp.play(f"""
        C: OVER 1-3
        S: 224 {{…}}
        S: {overview(1)}
        S: {overview(2)}
        S: {overview(3)}
        S: .
    """)
    assert len(lines) == 5


async def test_hdr_and_xhdr(nntp: NntpTranscript) -> None:
    await nntp.play(f"""
        C: GROUP test.one
        S: 211 {{…}}
        C: HDR Subject 1-2
        S: 225 {{…}}
        S: 1 Article 1
        S: 2 Article 2
        S: .
        C: HDR references 1-
        S: 225 {{…}}
        S: 1 {{…}}
        S: 2 {{…}}
        S: 3 <1@news.example>
        S: .
        C: HDR :bytes 2
        S: 225 {{…}}
        S: 2 {len(article(2))}
        S: .
        C: HDR :lines <3@news.example>
        S: 225 {{…}}
        S: 0 2
        S: .
        C: HDR Newsgroups 3
        S: 225 {{…}}
        S: 3 test.one
        S: .
        C: XHDR path
        S: 221 {{…}}
        S: 1 elsewhere!not-for-mail
        S: .
        C: HDR X-Not-There 1
        S: 225 {{…}}
        S: 1 {{…}}
        S: .
        C: HDR Subject 5-
        S: 423 {{…}}
        C: HDR
        S: 501 {{…}}
    """)

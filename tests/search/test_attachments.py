"""The attachment extractor client (search_attachment_extractor_url), against
a real HTTP server on loopback speaking Cyrus's protocol."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from tests.search.mail import message

from roost.message import parse_message
from roost.search.index.attachments import HttpExtractor
from roost.search.index.extract import document


class Extractor(BaseHTTPRequestHandler):
    """GET: 200 with the cached text, else 404; PUT: extract and cache."""

    cache: ClassVar[dict[str, str]] = {}
    calls: ClassVar[list[tuple[str, str, str]]] = []

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path, ""))
        text = self.cache.get(self.path)
        if self.path.startswith("/broken/"):
            self._reply(500, "")
        elif text is None:
            self._reply(404, "")
        else:
            self._reply(200, text)

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ctype = self.headers["Content-Type"]
        self.calls.append(("PUT", self.path, ctype))
        text = f"extracted {len(body)} octets of {ctype}: Quarterly"
        self.cache[self.path] = text
        self._reply(201, text)

    def _reply(self, code: int, text: str) -> None:
        data = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def extractor_url() -> Iterator[str]:
    Extractor.cache, Extractor.calls = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Extractor)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/extract"
    finally:
        server.shutdown()
        server.server_close()


def test_attachment_text_goes_to_the_fuzzy_column_only(extractor_url: str) -> None:
    raw = message("s", "plain words", 5)  # shape 5: a base64 application/octet-stream part
    doc = document("k", raw, parse_message(raw), HttpExtractor(extractor_url))
    assert doc.attachments == "extracted 11 octets of application/octet-stream: quarterly"
    assert "quarterly" not in doc.body  # SEARCH BODY never sees it
    assert [c[0] for c in Extractor.calls] == ["GET", "PUT"]
    again = document("k", raw, parse_message(raw), HttpExtractor(extractor_url))
    assert again.attachments == doc.attachments
    assert [c[0] for c in Extractor.calls] == ["GET", "PUT", "GET"]  # the cache answered


def test_a_failing_extractor_leaves_the_part_out(extractor_url: str) -> None:
    raw = message("s", "plain words", 5)
    broken = HttpExtractor(extractor_url.rsplit("/", 1)[0] + "/broken")
    doc = document("k", raw, parse_message(raw), broken)
    assert doc.attachments == "" and doc.exact
    gone = HttpExtractor("http://127.0.0.1:9/nothing-listens")
    assert document("k", raw, parse_message(raw), gone).attachments == ""

"""The text of a text/html part as a reader sees it, through libxml2's parser.

What SEARCH BODY and TEXT compare with in an HTML part (with and without
the index: ``roost.search.text`` serves both), decided as a mail reader
renders it, not as the markup is spelled:

- markup is not text: tags, attributes, comments and processing
  instructions never match (`BODY "href"` does not find every HTML mail),
  nor do ``script``, ``style``, ``head`` and ``template`` contents;
- inline elements join their text (``<b>hel</b>lo`` is "hello"); block
  elements and ``br`` break the line; table cells are apart;
- entities and character references are decoded (``&eacute;`` is "é");
- runs of white space are one space, as HTML renders them (``pre`` kept).

Cyrus does the same when it indexes (charset.c's striphtml drops tags,
CSS and JS) but its unindexed search matches the raw markup, so there an
answer changes once squatter has run; here both paths use this function.

Why lxml (libxml2's HTML parser, error-recovering, in C): the stdlib's
``html.parser`` of Python 3.11 is quadratic on hostile input (``"<a " *
20000`` takes 45 s), and SEARCH reduces HTML on a server worker. libxml2
is linear; ``huge_tree`` lifts its depth and size limits, so no text is
dropped from a large part (the walk below is iterative). Past libxml2's
fixed depth limit (2,048 open elements) its parse stops, so such a
document falls back to ``roost.message.text.html_to_text`` (regular
expressions, linear, tags removed): the choice depends on the markup
alone, so both paths still make the same one.
"""

from __future__ import annotations

import re

from lxml import etree

from roost.message.text import html_to_text

HIDDEN = frozenset({"script", "style", "head", "template", "title"})
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
})
CELLS = frozenset({"td", "th"})
_SPACE = re.compile(r"[ \t\n\r\f]+")


def html_text(markup: str) -> str:
    """Visible text of an HTML document or fragment; never raises."""
    data = markup.encode("utf-8", "replace")  # lone surrogates: as the decoder left them, "?"
    if not data.strip():
        return ""
    # A parser per call: its error log is per parse, and parsers are not shared by threads.
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                              no_network=True, recover=True, huge_tree=True,
                              default_doctype=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return html_to_text(markup)
    if any(e.level == etree.ErrorLevels.FATAL for e in parser.error_log):
        return html_to_text(markup)  # libxml2 stopped part way (depth limit)
    if root is None:
        return ""
    out: list[str] = []
    stack: list[tuple[etree._Element, bool]] = [(root, False)]
    while stack:
        element, closing = stack.pop()
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if closing:
            out.append("\n" if tag in BLOCKS else " " if tag in CELLS else "")
            if element is not root and element.tail:
                out.append(_flow(element.tail, False))
            continue
        if tag in HIDDEN or not tag:
            if element is not root and element.tail:
                out.append(_flow(element.tail, False))
            continue
        if tag in BLOCKS:
            out.append("\n")
        if element.text:
            out.append(_flow(element.text, tag == "pre"))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    return "".join(out)


def _flow(text: str, pre: bool) -> str:
    """Text as HTML renders it: white space runs collapsed outside ``pre``."""
    return text if pre else _SPACE.sub(" ", text)

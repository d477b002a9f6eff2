"""HTML page or fragment -> paragraphs and expanded table grids.

Published reports sit inside a site's page (menus, breadcrumbs, footers); the report body is the smallest
element that holds the title and most section titles. Failing that, every visible block of the page is kept.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ..knowledge import Knowledge
from ..model import Paragraph, Table
from .text import clean, decode, join_pieces

_INVISIBLE = "script, style, noscript, template, iframe, svg, object, [hidden]"
_SITE_CHROME = ("nav", "aside", "header", "footer")
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
    "main", "header", "footer", "blockquote", "pre", "address", "figure", "figcaption", "center", "form",
    "tr", "td", "th", "caption", "hr", "tbody", "thead", "tfoot",
}
_CONTAINERS = {"body", "div", "article", "section", "main", "td", "center", "form"}

_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
MAX_SPAN = 200  # a rowspan/colspan beyond this is a broken attribute, not a table shape


class _Words:
    """The format's words a page is searched for (format.toml [title] page_word/page_title, [[sections]] heads)."""

    def __init__(self, knowledge: Knowledge) -> None:
        t = knowledge.format["title"]
        self.title = t["page_word"]
        self.named_title = re.compile(t["page_title"])
        self.sections = [s["heads"] for s in knowledge.format["sections"] if not s.get("optional")]

    def sections_in(self, words: str) -> int:
        return sum(any(h in words for h in heads) for heads in self.sections)

    def report_words(self, node: LexborNode) -> bool:
        """A node that carries the report's title or a section title."""
        words = _words(node)
        return self.title in words or self.sections_in(words) > 0


def read(data: bytes, knowledge: Knowledge) -> list[Paragraph | Table]:
    tree = LexborHTMLParser(decode(data))
    root = tree.body or tree.root
    if root is None:
        return []
    _remove(root.css(_INVISIBLE))
    _remove([node for node in root.css("[style]") if _DISPLAY_NONE.search(node.attributes.get("style") or "")])
    blocks: list[Paragraph | Table] = []
    walker = _Walker(blocks)
    page = _Words(knowledge)
    for part in _report_parts(root, page):
        # A <header> may hold the report's own title: keep chrome that carries the report's words.
        _remove([node for node in part.css(", ".join(_SITE_CHROME))
                 if node.tag == "nav" or not page.report_words(node)])
        walker.walk(part)
        walker.flush()
    return blocks


def meta(data: bytes, knowledge: Knowledge) -> dict[str, str]:
    """The page's own title (<title>, or a CMS's ArticleTitle meta), for a report body that does not repeat it."""
    tree = LexborHTMLParser(decode(data))
    out = {}
    key = knowledge.format["title"]["header_keys"][0]  # 标题: read as a crawler's header line
    for node in tree.css("meta[name]"):
        if (node.attributes.get("name") or "").lower() in ("articletitle", "title") and node.attributes.get("content"):
            out[key] = clean(node.attributes["content"] or "")
    title = tree.css_first("title")
    if title is not None and clean(title.text()):
        out.setdefault(key, clean(title.text()))
    return out


def _remove(nodes: list[LexborNode]) -> None:
    """Remove nodes; one inside another already removed is skipped (its memory went with the outer one)."""
    doomed = {node.mem_id for node in nodes}
    outermost = []
    for node in nodes:
        parent = node.parent
        while parent is not None and parent.mem_id not in doomed:
            parent = parent.parent
        if parent is None:
            outermost.append(node)
    for node in outermost:
        node.decompose()


def _words(node: LexborNode) -> str:
    return re.sub(r"\s+", "", node.text(deep=True))


def _report_parts(root: LexborNode, page: _Words) -> list[LexborNode]:
    """Where the report is on the page. Sites put the title (<h1>) beside the content <div>, between a date line
    before and share/print links after: take the smallest container holding most section titles, plus the last
    short title element before it. Else the smallest container holding both; else the whole page."""
    content = _smallest(root, lambda words: page.sections_in(words) >= 4)
    if content is None:
        return [root]
    if page.named_title.search(_words(content)[:300]):  # the content opens with its own title (a year in it)
        return [content]
    title = None
    for node in root.traverse():
        if node.mem_id == content.mem_id:
            break
        words = _words(node)
        if page.title in words and len(words) <= 80:
            title = node  # preorder: the last match is the deepest, nearest title element
    if title is not None:
        parent = content.parent
        while parent is not None and parent.mem_id != title.mem_id:
            parent = parent.parent
        return [title] if parent is not None else [title, content]  # a short title element holding the content
    return [_smallest(root, lambda words: page.title in words and page.sections_in(words) >= 4) or content]


def _smallest(root: LexborNode, holds: Callable[[str], bool]) -> LexborNode | None:
    best, best_len = None, 0
    for node in root.traverse():
        if node.tag in _CONTAINERS and holds(words := _words(node)) and (best is None or len(words) < best_len):
            best, best_len = node, len(words)
    return best


class _Walker:
    """Walks the DOM in document order: text gathers into a paragraph until a block boundary or <br>."""

    def __init__(self, blocks: list[Paragraph | Table]) -> None:
        self.blocks = blocks
        self.buffer: list[str] = []

    def walk(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self.buffer.append(child.text_content or "")
            elif tag == "br":
                self.flush()
            elif tag == "table" and not _is_layout(child):
                self.flush()
                for caption in child.css("caption"):  # a caption is text outside the grid
                    self.buffer.append(cell_text(caption))
                    self.flush()
                rows = table_grid(child)
                if rows:
                    self.blocks.append(Table(rows=rows))
            elif tag in _BLOCK or tag == "table":  # layout tables are walked like nested blocks
                self.flush()
                self.walk(child)
                self.flush()
            elif not tag.startswith("-"):  # inline element (span, font, strong, a ...); skips comments
                self.walk(child)

    def flush(self) -> None:
        text = clean("".join(self.buffer))
        self.buffer.clear()
        if text:
            self.blocks.append(Paragraph(text))


def _is_layout(table: LexborNode) -> bool:
    # Old sites put the whole page in tables: a table holding tables, or a single cell, only lays out text.
    return len(table.css("table")) > 1 or len(table.css("td, th")) <= 1  # css() matches the node itself too


def table_grid(table: LexborNode) -> list[list[str]]:
    """Rows of cell text with rowspan/colspan expanded: a merged cell repeats its text in every position."""
    trs = table.css("tr")  # no nested tables here: those are layout tables
    grid: list[list[str | None]] = [[] for _ in trs]
    for r, tr in enumerate(trs):
        c = 0
        for cell in tr.iter():
            if cell.tag not in ("td", "th"):
                continue
            while c < len(grid[r]) and grid[r][c] is not None:  # skip positions filled from rows above
                c += 1
            text = cell_text(cell)
            rowspan = min(_span(cell, "rowspan"), len(trs) - r)
            colspan = _span(cell, "colspan")
            for rr in range(r, r + rowspan):
                row = grid[rr]
                if len(row) < c + colspan:
                    row.extend([None] * (c + colspan - len(row)))
                for cc in range(c, c + colspan):
                    row[cc] = text
            c += colspan
    width = max((len(row) for row in grid), default=0)
    out = [[cell or "" for cell in row] + [""] * (width - len(row)) for row in grid]
    return [row for row in out if any(row)] if width else []


def _span(cell: LexborNode, name: str) -> int:
    try:
        value = int((cell.attributes.get(name) or "1").strip())
    except ValueError:
        return 1
    return min(max(value, 1), MAX_SPAN)  # rowspan="0" (to the end) is rare in reports: treat as 1


def cell_text(cell: LexborNode) -> str:
    """A cell's text: nested <p>/<span> flattened; <br> and block breaks joined without a space for Chinese."""
    pieces: list[str] = [""]

    def walk(node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            if child.tag == "-text":
                pieces[-1] += child.text_content or ""
            elif child.tag == "br" or child.tag in _BLOCK:
                pieces.append("")
                walk(child)
                pieces.append("")
            elif not child.tag.startswith("-"):
                walk(child)

    walk(cell)
    return join_pieces(pieces)

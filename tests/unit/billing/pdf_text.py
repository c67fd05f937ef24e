"""The text lines of a PDF fpdf2 wrote with embedded TrueType fonts, for tests (no PDF library needed).

fpdf2 writes each cell as ``x y Td`` and ``(glyph ids, 2 bytes each) Tj`` runs in the current font (``/Fn
size Tf``; a run in a fallback font switches inside ``q ... Q``); each font's ``ToUnicode`` CMap maps its
glyph ids back to characters. One string per baseline, top to bottom, its cells joined by " | ".
"""

from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_OPERATIONS = re.compile(
    rb"(?P<save>(?<![\w)])q\s)|(?P<restore>(?<![\w)])Q\s)|/(?P<font>F\d+) [\d.]+ Tf"
    rb"|(?P<x>[\d.]+) (?P<y>[\d.]+) Td|\((?P<text>(?:\\.|[^\\)])*)\) Tj",
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    raw = _STREAM.search(body)
    if raw is None:
        return b""
    return zlib.decompress(raw.group(1)) if b"/FlateDecode" in body else raw.group(1)


def _unescape(literal: bytes) -> bytes:
    return re.sub(rb"\\([nrtbf()\\])", lambda m: _ESCAPES.get(m.group(1), m.group(1)), literal)


def _cmap(data: bytes) -> dict[int, str]:
    pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", data.split(b"beginbfchar", 1)[-1])
    return {int(glyph, 16): bytes.fromhex(code.decode()).decode("utf-16-be") for glyph, code in pairs}


def lines(pdf: bytes) -> list[str]:
    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}
    fonts: dict[bytes, dict[int, str]] = {}
    for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", pdf):
        to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects.get(int(ref), b""))
        fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))])) if to_unicode else {}
    rows: dict[float, list[tuple[float, str]]] = {}
    for body in objects.values():
        content = _stream(body)
        if b" Tj" not in content:
            continue
        font: dict[int, str] = {}
        saved: list[dict[int, str]] = []  # q/Q save and restore the font with the graphics state
        x = y = 0.0
        for op in _OPERATIONS.finditer(content):
            if op.group("save"):
                saved.append(font)
            elif op.group("restore"):
                font = saved.pop()
            elif op.group("font"):
                font = fonts[op.group("font")]
            elif op.group("x"):
                x, y = float(op.group("x")), float(op.group("y"))
                rows.setdefault(-y, []).append((x, ""))
            else:
                glyphs = _unescape(op.group("text"))
                text = "".join(
                    font.get(int.from_bytes(glyphs[i : i + 2], "big"), "?") for i in range(0, len(glyphs), 2)
                )
                cell_x, before = rows[-y].pop()  # a cell's runs (one per font) follow its Td
                rows[-y].append((cell_x, before + text))
    return [" | ".join(t.strip() for _, t in sorted(cells) if t.strip()) for _, cells in sorted(rows.items())]

"""The text of an inbound message, in three forms the desk needs, whatever charset or client wrote it:

- ``body_text``: the ``text/plain`` body, or the HTML body turned into text (``html-text``: block elements
  become line breaks as a browser would show them, scripts and styles are left out);
- ``visible_text``: what the person wrote this time: the quoted history ("On … wrote:", Outlook's
  "From: … Sent: …" block, "> " lines) and the signature cut by ``mail-parser-reply``, which knows the
  phrasing of the common clients in 13 languages; when it finds nothing to keep, the whole text is kept;
- ``body_html``: the HTML body sanitised by ``nh3`` (ammonia's allow-list: no scripts, styles, event
  handlers or forms); images only from ``cid:`` parts of the message itself, so no remote image (a tracking
  pixel) loads when an agent opens the ticket.

Charsets: every one Python knows; ``iso-8859-1`` and ``us-ascii`` are read as ``windows-1252``, its superset
(what the WHATWG encoding standard does, because mail labelled so mostly is), an undeclared or unknown
charset as UTF-8 when it decodes and ``windows-1252`` otherwise. Undecodable bytes become U+FFFD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

import html_text
import nh3
from lxml.etree import LxmlError
from mailparser_reply import EmailReplyParser

REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "da", "pl", "cs", "ja", "ko", "zh"]
REPLY_PARSER_MAX_CHARS = 200_000  # its patterns are regular expressions: a longer text is kept whole
READ_AS_WINDOWS_1252 = {"iso-8859-1", "latin-1", "latin1", "iso8859-1", "l1", "cp819"}
GUESSED = {"", "us-ascii", "ascii"}  # 8-bit text labelled ASCII is common: guessed like an unlabelled one
SAFE_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
CID_REFERENCE = re.compile(r"""cid:([^"'\s>)]+)""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class DecodedText:
    text: str
    note: str | None = None  # what decoding had to guess, for the message's notes


def decode(payload: bytes, charset: str | None) -> DecodedText:
    """``payload`` as text in its declared ``charset`` (see the module's note for the guesses)."""
    label = (charset or "").strip().strip('"').lower()
    if label in GUESSED:
        return DecodedText(_guess(payload).text)
    if label in READ_AS_WINDOWS_1252:
        return DecodedText(payload.decode("cp1252", errors="replace"))
    try:
        return DecodedText(payload.decode(label, errors="replace"))
    except (LookupError, ValueError, TypeError):  # unknown, or not a text codec ("zlib", "base64")
        guessed = _guess(payload)
        return DecodedText(guessed.text, f"unknown charset {label[:40]!r}, read as {guessed.note}")


def _guess(payload: bytes) -> DecodedText:
    try:
        return DecodedText(payload.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        return DecodedText(payload.decode("cp1252", errors="replace"), "windows-1252")


def html_to_text(html: str) -> str:
    try:
        return str(html_text.extract_text(html, guess_layout=True)).strip()
    except (LxmlError, ValueError):  # an empty document, an encoding declaration lxml refuses
        return nh3.clean(html, tags=set()).strip()


def sanitised_html(html: str) -> str:
    return nh3.clean(
        html,
        url_schemes=SAFE_URL_SCHEMES,
        clean_content_tags={"script", "style", "title", "head"},
        attribute_filter=_only_local_images,
    )


def _only_local_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.strip().lower().startswith("cid:"):
        return None
    return value


def visible_text(text: str) -> str:
    """``text`` without quoted history and signature; the whole text when the parser keeps nothing (a reply
    that is all quote, a message whose first line looks like a header) or cannot cope."""
    if len(text) > REPLY_PARSER_MAX_CHARS:
        return text
    try:
        replies = EmailReplyParser(languages=REPLY_LANGUAGES).read(text).replies
    except (RecursionError, ValueError, IndexError):
        return text
    latest = str(replies[0].body).strip() if replies else ""
    return latest or text


def resolve_cid_references(html: str, targets: dict[str, str]) -> str:
    """``html`` with each ``cid:<content id>`` that ``targets`` knows (content ids lower-cased) replaced by its
    URL; the rest is left as it is (an image whose part was dropped shows as missing, never as something
    else). Runs on HTML that ``sanitised_html`` already cleaned, and the URLs are ours."""

    def swap(match: re.Match[str]) -> str:
        content_id = unquote(match.group(1)).strip("<>").lower()
        return targets.get(content_id, match.group(0))

    return CID_REFERENCE.sub(swap, html)

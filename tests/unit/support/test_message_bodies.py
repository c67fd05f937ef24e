"""A message's text in its item is bounded (DynamoDB's 400 KB), and inline images are linked to their files."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tandem.support.domain.mail_body import resolve_cid_references
from tandem.support.domain.messages import inline_text


@given(st.text(min_size=0, max_size=300), st.integers(min_value=1, max_value=400))
def test_inline_text_is_a_prefix_within_the_byte_limit(text, limit):
    inline, cut = inline_text(text, limit)
    assert len(inline.encode("utf-8")) <= limit and text.startswith(inline)
    assert cut == (len(text.encode("utf-8")) > limit)
    assert not cut or inline == text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def test_a_cut_never_splits_a_character():
    assert inline_text("aé€😀", 5) == ("aé", True)  # 1 + 2 bytes fit, the 3-byte € would not


def test_known_cids_point_at_their_downloads_and_unknown_ones_stay():
    html = '<img src="cid:Shot1@Example.com"><img src="cid:%3Cother@x%3E"><img src="cid:gone@x">'
    resolved = resolve_cid_references(html, {"shot1@example.com": "/a/1", "other@x": "/a/2"})
    assert resolved == '<img src="/a/1"><img src="/a/2"><img src="cid:gone@x">'

"""Inbound mail: every message of the corpus (tests/unit/support/mail/*.eml) becomes a ParsedMessage or a
Rejection with a reason, never an exception; charsets, subjects, quotes, files and cid: read right."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tandem.support.domain.inbound_mail import parse_message
from tandem.support.domain.mail_message import MIB, MailLimits, ParsedMessage, Rejection, RejectionReason, dedupe_key

CORPUS = Path(__file__).parent / "mail"
FILES = sorted(CORPUS.glob("*.eml"))


def parsed(name: str) -> ParsedMessage:
    result = parse_message((CORPUS / f"{name}.eml").read_bytes())
    assert isinstance(result, ParsedMessage), result
    return result


def test_the_corpus_has_at_least_thirty_messages():
    assert len(FILES) >= 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_corpus_message_becomes_a_message_or_a_reasoned_rejection(path: Path):
    result = parse_message(path.read_bytes())
    if isinstance(result, Rejection):
        assert result.reason in RejectionReason and result.detail
    else:
        assert result.sender and "@" in result.sender
        assert result.content_sha256 and result.size == path.stat().st_size


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("latin1_body", "Grüße aus Köln, die Ware ist beschädigt."),
        ("windows1252_body", "The “premium” plan costs 30 € — isn’t that too much?"),
        ("shift_jis_body", "注文した商品がまだ届いていません。"),
        ("utf8_body", "Merci beaucoup, ça marche 👍 — Zoë"),
        ("subject_rfc2047_q", "Le colis est arrivé abîmé."),
    ],
)
def test_bodies_are_decoded_from_their_charset(name: str, expected: str):
    assert parsed(name).body_text.strip() == expected


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("subject_rfc2047_b", "Rückerstattung für Bestellung 7"),
        ("subject_rfc2047_q", "Problème de livraison"),
        ("shift_jis_body", "注文について"),
    ],
)
def test_encoded_word_subjects_are_decoded(name: str, subject: str):
    assert parsed(name).subject == subject


def test_an_encoded_display_name_is_read_and_the_address_normalised():
    message = parsed("subject_rfc2047_q")
    assert (message.sender, message.sender_name) == ("andre@example.fr", "André Dupré")


@pytest.mark.parametrize(
    ("name", "visible"),
    [
        ("gmail_reply", "Hi,\n\nthe parcel for order 1042 never arrived. Could you check?"),
        ("apple_mail_reply", "Works now, thank you!"),
        ("outlook_reply_german", "Danke, das hat geklappt."),
        ("signature_dashes", "I cannot log in since yesterday."),
        ("gmail_html_only_reply", "Still broken after the update."),
    ],
)
def test_visible_text_leaves_out_quoted_history_and_signatures(name: str, visible: str):
    message = parsed(name)
    assert message.visible_text.startswith(visible)
    assert "wrote:" not in message.visible_text and "Gesendet" not in message.visible_text
    assert len(message.body_text) > len(message.visible_text)  # the full text is kept too


def test_an_outlook_reply_keeps_the_answer_and_drops_the_from_sent_block():
    message = parsed("outlook_reply")
    assert message.visible_text.startswith("Yes, please send the corrected invoice – the total should be 120 €.")
    assert "Sent:" not in message.visible_text and "Sent:" in message.body_text


def test_an_html_only_message_is_turned_into_text_and_kept_sanitised():
    message = parsed("html_only")
    assert message.body_text == "First paragraph.\n\nSecond\nline.\n\none\ntwo"
    assert message.body_html is not None and "<style" not in message.body_html and "color:red" not in message.body_html


def test_sanitised_html_has_no_script_and_no_remote_images():
    assert "<script" not in (parsed("alternative").body_html or "")
    inline = parsed("inline_image")
    assert 'src="cid:shot1@example.com"' in (inline.body_html or "")
    assert "tracker.example" not in (inline.body_html or "")


def test_plain_text_is_preferred_in_multipart_alternative():
    assert parsed("alternative").body_text.strip() == "Plain version of my question."


def test_attachments_are_found_with_their_decoded_file_names():
    (pdf,) = parsed("mixed_with_pdf").attachments
    assert (pdf.id, pdf.filename, pdf.content_type, pdf.inline) == ("a1", "Rechnung März.pdf", "application/pdf", False)
    assert pdf.content.startswith(b"%PDF")


def test_an_inline_image_is_an_attachment_its_cid_points_to():
    message = parsed("inline_image")
    (image,) = message.attachments
    assert (image.content_type, image.content_id, image.inline) == ("image/png", "shot1@example.com", True)
    assert message.cid_map == {"shot1@example.com": image.id}


def test_a_file_name_with_a_path_keeps_only_its_last_part():
    (file,) = parsed("broken_base64_attachment").attachments
    assert file.filename == "passwd"
    assert "InvalidBase64LengthDefect" in parsed("broken_base64_attachment").notes


def test_a_forwarded_message_is_kept_whole_as_an_eml_file():
    (forwarded,) = parsed("forwarded_message").attachments
    assert forwarded.content_type == "message/rfc822" and b"Original text." in forwarded.content


@pytest.mark.parametrize(
    ("name", "reason"),
    [("missing_from", RejectionReason.NO_USABLE_SENDER), ("broken_from", RejectionReason.NO_USABLE_SENDER)],
)
def test_a_message_nobody_can_be_answered_at_is_rejected_with_what_could_be_read(name: str, reason: RejectionReason):
    result = parse_message((CORPUS / f"{name}.eml").read_bytes())
    assert isinstance(result, Rejection) and result.reason is reason
    assert result.subject and result.message_id


def test_a_twenty_megabyte_message_is_rejected_as_too_large_without_reading_its_body():
    message = EmailMessage()
    message["From"], message["Subject"], message["Message-ID"] = "big@example.com", "Huge", "<big@example.com>"
    message.set_content("see attachment")
    message.add_attachment(b"\0" * (15 * MIB), maintype="application", subtype="octet-stream", filename="x.bin")
    raw = message.as_bytes()
    assert len(raw) > 20 * 1000 * 1000
    result = parse_message(raw)
    assert isinstance(result, Rejection) and result.reason is RejectionReason.TOO_LARGE
    assert (result.sender, result.subject, result.message_id) == ("big@example.com", "Huge", "<big@example.com>")


def test_a_file_over_the_per_file_limit_is_dropped_with_a_note_and_the_text_kept():
    limits = MailLimits(max_attachment_bytes=10)
    message = parse_message((CORPUS / "mixed_with_pdf.eml").read_bytes(), limits)
    assert isinstance(message, ParsedMessage) and message.attachments == ()
    (dropped,) = message.dropped_attachments
    assert (dropped.filename, dropped.reason) == ("Rechnung März.pdf", "over the per-file limit")
    assert message.body_text.strip() == "See the attached invoice."


def test_files_past_the_count_limit_are_dropped():
    message = parse_message((CORPUS / "inline_image.eml").read_bytes(), MailLimits(max_attachments=0))
    assert isinstance(message, ParsedMessage)
    assert message.attachments == () and message.dropped_attachments[0].reason == "over the count limit"


def test_malformed_headers_are_tolerated_and_noted():
    message = parsed("malformed_headers")
    assert message.sender == "xena@example.com" and message.date is None
    assert message.references == ("<ok@x.example>",) and message.in_reply_to == ()
    assert "The body survives." in message.body_text and message.notes


def test_an_unknown_charset_is_guessed_and_noted():
    message = parsed("unknown_charset")
    assert message.body_text.strip() == "Hello é"
    assert any("x-unknown-42" in note for note in message.notes)


def test_threading_headers_are_read_in_order_with_their_brackets():
    message = parsed("gmail_reply")
    assert message.in_reply_to == ("<tdm.0f8e2c.T-000123.4b1f@tandem.example>",)
    assert message.references == ("<first@mail.example>", "<tdm.0f8e2c.T-000123.4b1f@tandem.example>")
    assert message.to == ("support@tandem.example",)


def test_several_from_addresses_answer_the_sender_header():
    assert parsed("multiple_from_with_sender").sender == "ann@example.com"


def test_redelivery_is_one_message_by_message_id_or_by_body_hash():
    with_id = parsed("gmail_reply")
    assert dedupe_key("Support@Tandem.example", with_id) == ("support@tandem.example", f"mid:{with_id.message_id}")
    raw = (CORPUS / "no_message_id.eml").read_bytes()
    first, again = parse_message(raw), parse_message(b"Received: from relay2.example\r\n" + raw)
    assert isinstance(first, ParsedMessage) and isinstance(again, ParsedMessage) and first.message_id is None
    assert dedupe_key("support@tandem.example", first) == dedupe_key("support@tandem.example", again)
    other = parse_message(raw.replace(b"quinn@example.com", b"rose@example.com"))
    assert isinstance(other, ParsedMessage)
    assert dedupe_key("support@tandem.example", other) != dedupe_key("support@tandem.example", first)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_message_never_raises_on_arbitrary_bytes(raw: bytes):
    assert isinstance(parse_message(raw), (ParsedMessage, Rejection))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(FILES), st.integers(min_value=0, max_value=4000), st.binary(min_size=1, max_size=40))
def test_parse_message_never_raises_on_damaged_corpus_messages(path: Path, at: int, noise: bytes):
    raw = path.read_bytes()
    assert isinstance(parse_message(raw[:at] + noise + raw[at:]), (ParsedMessage, Rejection))

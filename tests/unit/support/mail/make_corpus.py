"""Writes the inbound-mail corpus (``*.eml`` beside this file): real-shaped messages as Gmail, Outlook,
Apple Mail, lists, auto-responders and MTAs send them, in the charsets and encodings they use.

The ``.eml`` files are what the tests read and what is committed; this script only says how they were made
(charsets need exact bytes) and remakes them: ``.venv/bin/python tests/unit/support/mail/make_corpus.py``.
The 20 MB message is built inside the test instead of being committed.
"""

from __future__ import annotations

import base64
import quopri
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = "<tdm.0f8e2c.T-000123.4b1f@tandem.example>"  # a Message-ID of our own, as outbound mail carries


def b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def qp(data: bytes) -> bytes:
    return quopri.encodestring(data)


def head(sender: str, subject: str, extra: str = "", message_id: str | None = "default") -> bytes:
    local = sender.rpartition("<")[2].split("@")[0].strip("<> ").replace(" ", "").replace(",", "")
    mid = f"<CAF={local}.1@mail.example>"
    lines = [f"From: {sender}", "To: Tandem Support <support@tandem.example>", f"Subject: {subject}"]
    lines.append("Date: Mon, 03 Mar 2025 10:15:00 +0100")
    if message_id:
        lines.append(f"Message-ID: {mid if message_id == 'default' else message_id}")
    lines.append("MIME-Version: 1.0")
    return ("\n".join(lines) + ("\n" + extra.strip("\n") if extra else "")).encode() + b"\n"


def plain(text: bytes, charset: str = "utf-8", cte: str = "8bit") -> bytes:
    body = {"8bit": text, "quoted-printable": qp(text), "base64": b64(text)}[cte]
    return f"Content-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: {cte}\n\n".encode() + body


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a50000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

GMAIL_QUOTE = b"""Hi,

the parcel for order 1042 never arrived. Could you check?

Thanks,
Anna

On Mon, 3 Mar 2025 at 09:00, Tandem Support <support@tandem.example> wrote:
> Hello Anna,
>
> your order 1042 has shipped.
"""

MESSAGES: dict[str, bytes] = {}

MESSAGES["gmail_reply"] = (
    head(
        "Anna Berg <anna.berg@gmail.example>",
        "Re: [#T-000123] Where is my parcel?",
        f"In-Reply-To: {OURS}\nReferences: <first@mail.example> {OURS}",
    )
    + b'Content-Type: multipart/alternative; boundary="000000000000g"\n\n--000000000000g\n'
    + plain(GMAIL_QUOTE)
    + b"\n--000000000000g\nContent-Type: text/html; charset=UTF-8\n\n"
    + b'<div dir="ltr">Hi,<br><br>the parcel for order 1042 never arrived. Could you check?<br><br>Thanks,<br>'
    + b'Anna</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, 3 Mar 2025 at 09:00, Tandem '
    + b"Support &lt;support@tandem.example&gt; wrote:<br></div><blockquote>Hello Anna,<br>your order 1042 has "
    + b"shipped.</blockquote></div>\n--000000000000g--\n"
)
MESSAGES["outlook_reply"] = head(
    "Bob Lang <bob.lang@contoso.example>", "RE: Invoice question", f"In-Reply-To: {OURS}"
) + plain(
    "Yes, please send the corrected invoice \u2013 the total should be 120 \u20ac.\n\n"
    "Bob\n\n________________________________\nFrom: Tandem Support <support@tandem.example>\n"
    "Sent: Monday, March 3, 2025 9:00 AM\nTo: Bob Lang <bob.lang@contoso.example>\n"
    "Subject: Invoice question\n\nHello Bob, which invoice do you mean?\n".encode("cp1252"),
    "windows-1252",
    "quoted-printable",
)
MESSAGES["outlook_reply_german"] = head("Jens Ott <jens@firma.example>", "AW: Lieferung") + plain(
    "Danke, das hat geklappt.\n\nGr\u00fc\u00dfe\nJens\n\nVon: Tandem Support <support@tandem.example>\n"
    "Gesendet: Montag, 3. M\u00e4rz 2025 09:00\nAn: Jens Ott <jens@firma.example>\nBetreff: Lieferung\n\n"
    "Hallo Jens,\n".encode("iso-8859-1"),
    "iso-8859-1",
    "quoted-printable",
)
MESSAGES["apple_mail_reply"] = head("Chloe Martin <chloe@icloud.example>", "Re: Your ticket [#T-000124]") + plain(
    b"Works now, thank you!\n\nSent from my iPhone\n\n> On 3 Mar 2025, at 09:00, Tandem Support "
    b"<support@tandem.example> wrote:\n>\n> \xef\xbb\xbfHello Chloe,\n> please restart the app.\n",
    "utf-8",
    "quoted-printable",
)
MESSAGES["signature_dashes"] = head("Dan <dan@example.org>", "Login fails") + plain(
    b"I cannot log in since yesterday.\n\n-- \nDan Miller\nHead of Purchasing, Example Org\n+1 555 0100\n"
)
MESSAGES["latin1_body"] = head("Kai <kai@koeln.example>", "Frage") + plain(
    "Gr\u00fc\u00dfe aus K\u00f6ln, die Ware ist besch\u00e4digt.\n".encode("iso-8859-1"), "iso-8859-1"
)
MESSAGES["windows1252_body"] = head("Eve <eve@example.net>", "Price") + plain(
    "The \u201cpremium\u201d plan costs 30 \u20ac \u2014 isn\u2019t that too much?\n".encode("cp1252"),
    "windows-1252",
    "quoted-printable",
)
MESSAGES["shift_jis_body"] = head(
    "Taro <taro@example.jp>", "=?shift_jis?B?" + base64.b64encode("注文について".encode("shift_jis")).decode() + "?="
) + plain("注文した商品がまだ届いていません。\n".encode("shift_jis"), "shift_jis", "base64")
MESSAGES["utf8_body"] = head("Zoë <zoe@example.com>", "Thanks \U0001f44d") + plain(
    "Merci beaucoup, \u00e7a marche \U0001f44d — Zo\u00eb\n".encode()
)
MESSAGES["subject_rfc2047_b"] = head(
    "Lena <lena@example.de>",
    "=?UTF-8?B?" + base64.b64encode("Rückerstattung für Bestellung 7".encode()).decode() + "?=",
) + plain(b"Bitte um R\xc3\xbcckerstattung.\n")
MESSAGES["subject_rfc2047_q"] = head(
    "=?iso-8859-1?Q?Andr=E9_Dupr=E9?= <andre@example.fr>", "=?iso-8859-1?Q?Probl=E8me_de_livraison?="
) + plain("Le colis est arriv\u00e9 ab\u00eem\u00e9.\n".encode("iso-8859-1"), "iso-8859-1")
MESSAGES["alternative"] = (
    head("Mia <mia@example.com>", "Two versions")
    + b'Content-Type: multipart/alternative; boundary="alt"\n\n--alt\n'
    + plain(b"Plain version of my question.\n")
    + b"\n--alt\nContent-Type: text/html; charset=utf-8\n\n<p>HTML version of my <b>question</b>.</p>"
    + b"<script>alert(1)</script>\n--alt--\n"
)
MESSAGES["mixed_with_pdf"] = (
    head("Olaf <olaf@example.se>", "Invoice attached")
    + b'Content-Type: multipart/mixed; boundary="mix"\n\n--mix\n'
    + plain(b"See the attached invoice.\n")
    + b"\n--mix\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n"
    + b"Content-Disposition: attachment; filename*=utf-8''Rechnung%20M%C3%A4rz.pdf\n\n"
    + b64(PDF)
    + b"--mix--\n"
)
MESSAGES["inline_image"] = (
    head("Pia <pia@example.com>", "Screenshot of the error")
    + b'Content-Type: multipart/related; boundary="rel"\n\n--rel\nContent-Type: text/html; charset=utf-8\n\n'
    + b'<p>This error appears:</p><img src="cid:shot1@example.com" alt="error">'
    + b'<img src="https://tracker.example/pixel.gif">\n--rel\nContent-Type: image/png\n'
    + b"Content-Transfer-Encoding: base64\nContent-ID: <shot1@example.com>\n"
    + b'Content-Disposition: inline; filename="error.png"\n\n'
    + b64(PNG)
    + b"--rel--\n"
)
MESSAGES["no_message_id"] = head("Quinn <quinn@example.com>", "No id", message_id=None) + plain(b"Hello.\n")
MESSAGES["missing_from"] = (
    b"To: support@tandem.example\nSubject: Who am I\nMessage-ID: <nofrom@x.example>\n\nNo sender.\n"
)
MESSAGES["broken_from"] = head("Customer Service Team", "Broken sender") + plain(b"No address in From.\n")
MESSAGES["html_only"] = head("Rita <rita@example.com>", "HTML only") + (
    b"Content-Type: text/html; charset=utf-8\n\n<html><head><style>p{color:red}</style></head><body>"
    b"<p>First paragraph.</p><p>Second<br>line.</p><ul><li>one</li><li>two</li></ul></body></html>\n"
)
MESSAGES["vacation_auto_reply"] = head(
    "Sam <sam@example.com>", "Out of Office: Re: Your ticket", f"Auto-Submitted: auto-replied\nIn-Reply-To: {OURS}"
) + plain(b"I am out of the office until 10 March with limited access to email.\n")
MESSAGES["outlook_automatic_reply"] = head(
    "Tina <tina@contoso.example>", "Automatic reply: Invoice question", "X-Auto-Response-Suppress: All"
) + plain(b"I'm on leave until Monday.\n")
MESSAGES["mailing_list"] = head(
    "Uli <uli@lists.example>",
    "[users] Release 2.0",
    "List-Id: Users <users.lists.example>\nList-Unsubscribe: <mailto:leave@lists.example>\nPrecedence: list",
) + plain(b"Release 2.0 is out.\n")
MESSAGES["newsletter_bulk"] = head("Offers <news@shop.example>", "50% off", "Precedence: bulk") + plain(b"Sale!\n")
MESSAGES["auto_generated_notification"] = head(
    "Monitor <alerts@status.example>", "Service degraded", "Auto-Submitted: auto-generated"
) + plain(b"API latency is high.\n")
MESSAGES["no_reply_sender"] = head("Shop <no-reply@shop.example>", "Your order") + plain(b"Order received.\n")
MESSAGES["null_return_path"] = b"Return-Path: <>\n" + head("Victor <victor@example.com>", "Hi") + plain(b"Hi.\n")
MESSAGES["own_message_back"] = head(
    "Tandem Support <support@tandem.example>", "Re: [#T-000123] Where is my parcel?", message_id=OURS
) + plain(b"Our own reply, reflected.\n")
MESSAGES["multiple_from_with_sender"] = head(
    "Ann <ann@example.com>, Ben <ben@example.com>", "From two", "Sender: Ann <ann@example.com>"
) + plain(b"We both ask.\n")
MESSAGES["unknown_charset"] = head("Will <will@example.com>", "Odd charset") + plain(
    b"Hello \xc3\xa9\n", "x-unknown-42"
)
MESSAGES["malformed_headers"] = (
    b"From: Xena <xena@example.com>\nTo: ,,, @@ <support@tandem.example>\nSubject: =?utf-8?B?broken==?=\n"
    b"Date: yesterday at noon\nMessage-ID: <bad@@x.example>\nReferences: garbage <ok@x.example> <\n"
    b"In-Reply-To: not-an-id\nContent-Type: text/plain; charset=\nX-Bad header without colon\n\n"
    b"The body survives.\n"
)
MESSAGES["missing_boundary"] = (
    head("Yann <yann@example.com>", "Broken multipart")
    + b'Content-Type: multipart/mixed; boundary="never-used"\n\nJust text, no parts.\n'
)
MESSAGES["broken_base64_attachment"] = (
    head("Zack <zack@example.com>", "Attachment")
    + b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
    + plain(b"File attached.\n")
    + b"\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n"
    + b'Content-Disposition: attachment; filename="../../etc/passwd"\n\n!!!not base64***\n--b--\n'
)
MESSAGES["forwarded_message"] = (
    head("Amy <amy@example.com>", "Fwd: complaint")
    + b'Content-Type: multipart/mixed; boundary="f"\n\n--f\n'
    + plain(b"Forwarding the mail below.\n")
    + b"\n--f\nContent-Type: message/rfc822\n\n"
    + head("Other <other@example.com>", "complaint")
    + plain(b"Original text.\n")
    + b"\n--f--\n"
)
MESSAGES["gmail_html_only_reply"] = head("Ben <ben@gmail.example>", "Re: Setup") + (
    b'Content-Type: text/html; charset=UTF-8\n\n<div dir="ltr">Still broken after the update.</div><br>'
    b'<div class="gmail_quote"><div class="gmail_attr">On Sun, 2 Mar 2025 at 18:00, Tandem Support '
    b"&lt;support@tandem.example&gt; wrote:<br></div><blockquote>Please update the app.</blockquote></div>\n"
)
MESSAGES["empty_body"] = head("Cleo <cleo@example.com>", "(no text)") + plain(b"")

DSN_HEAD = (
    "From: Mail Delivery Subsystem <mailer-daemon@mx.example>\nTo: support@tandem.example\n"
    "Subject: {subject}\nDate: Mon, 03 Mar 2025 10:20:00 +0000\nMessage-ID: <dsn{n}@mx.example>\n"
    "Auto-Submitted: auto-replied\nReturn-Path: <>\nMIME-Version: 1.0\n"
    'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
)
MESSAGES["dsn_permanent"] = (
    DSN_HEAD.format(subject="Undelivered Mail Returned to Sender", n=1)
    + "--r\nContent-Type: text/plain\n\nYour message could not be delivered to gone@customer.example.\n\n"
    "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
    "Final-Recipient: rfc822; Gone@Customer.example\nAction: failed\nStatus: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n"
    f"--r\nContent-Type: text/rfc822-headers\n\nFrom: support@tandem.example\nTo: gone@customer.example\n"
    f"Subject: Re: [#T-000123] Where is my parcel?\nMessage-ID: {OURS}\n\n--r--\n"
).encode()
MESSAGES["dsn_delayed"] = (
    DSN_HEAD.format(subject="Delivery Status Notification (Delay)", n=2)
    + "--r\nContent-Type: text/plain\n\nDelivery to slow@customer.example is delayed; we keep trying.\n\n"
    "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"
    "Final-Recipient: rfc822;slow@customer.example\nAction: delayed\nStatus: 4.4.7\n\n"
    "--r\nContent-Type: message/rfc822\n\nFrom: support@tandem.example\nTo: slow@customer.example\n"
    "Subject: Your ticket\nMessage-ID: <tdm.aa.T-000200.bb@tandem.example>\n\nHello.\n\n--r--\n"
).encode()


def main() -> None:
    for name, raw in MESSAGES.items():
        # real mail travels with CRLF line ends (SES stores it so); the parser takes both
        (HERE / f"{name}.eml").write_bytes(raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


if __name__ == "__main__":
    main()

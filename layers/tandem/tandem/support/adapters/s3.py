"""The inbound-mail bucket: raw MIME as SES stored it (``<prefix><SES message id>``), and each message's files
under ``attachments/<ticket message id>/<attachment id>``, and the whole text and the sanitised HTML of a
message under ``bodies/<ticket message id>/<text|html>`` (a redelivery overwrites the same keys)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from botocore.exceptions import BotoCoreError, ClientError

from tandem.shared.aws.bootstrap import client as cached_client
from tandem.shared.aws.transient import is_transient, unavailable
from tandem.support.domain.mail_message import Attachment

_SAFE_NAME = str.maketrans({c: "_" for c in '"\\\r\n'})


class MailStoreError(Exception):
    """The bucket refused for good (missing object, access denied): a logged failure."""


def _failure(operation: str, exc: ClientError | BotoCoreError) -> Exception:
    if is_transient(exc):
        return unavailable("s3", exc)
    code = exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else type(exc).__name__
    return MailStoreError(f"{operation} failed: {code}")


class S3MailStore:
    def __init__(self, bucket: str, client: object = None) -> None:
        self.bucket = bucket
        self.client: Any = client

    def raw(self, key: str) -> bytes:
        return self.file(key)

    def file(self, key: str) -> bytes:
        try:
            response = (self.client or cached_client("s3")).get_object(Bucket=self.bucket, Key=key)
            return bytes(response["Body"].read())
        except (ClientError, BotoCoreError) as exc:
            raise _failure(f"GetObject {key}", exc) from exc

    def put_file(self, message_id: UUID, attachment: Attachment) -> str:
        key = f"attachments/{message_id}/{attachment.id}"
        name = attachment.filename.encode("ascii", "replace").decode("ascii").translate(_SAFE_NAME)
        try:
            (self.client or cached_client("s3")).put_object(
                Bucket=self.bucket,
                Key=key,
                Body=attachment.content,
                ContentType=attachment.content_type,
                ContentDisposition=f'attachment; filename="{name}"',
            )
        except (ClientError, BotoCoreError) as exc:
            raise _failure(f"PutObject {key}", exc) from exc
        return key

    def put_body(self, message_id: UUID, name: str, content: str, content_type: str) -> str:
        key = f"bodies/{message_id}/{name}"
        try:
            (self.client or cached_client("s3")).put_object(
                Bucket=self.bucket, Key=key, Body=content.encode("utf-8"), ContentType=content_type
            )
        except (ClientError, BotoCoreError) as exc:
            raise _failure(f"PutObject {key}", exc) from exc
        return key

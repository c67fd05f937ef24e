"""CVs in ``HrDocumentsBucket`` (private, encrypted, versioned): presigned uploads, first bytes, removal, links.

The browser uploads with a presigned POST whose policy fixes the exact key, the Content-Type and a
1 byte..5 MB ``content-length-range`` (S3 refuses anything else before storing it). What S3 stored is then
read back only as far as the type's magic bytes (a ranged GET). A refused file is removed for good: the
version itself is deleted, so no noncurrent copy of an HTML page called cv.pdf lingers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Protocol, cast

from botocore.exceptions import ClientError

from tandem.hr.domain.recruitment import UploadForm
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.aws.dynamo import storage_errors

UPLOAD_SECONDS = 15 * 60
DOWNLOAD_SECONDS = 5 * 60
# Without s3:ListBucket, S3 answers a missing key with 403: that counts as gone too.
GONE = frozenset({"NoSuchKey", "NoSuchVersion", "404", "AccessDenied", "403"})
_TOTAL = re.compile(r"/(\d+)$")


class _Readable(Protocol):
    def read(self) -> bytes: ...


class _S3(Protocol):
    """The calls of the S3 client this store makes (no S3 stubs in the venv)."""

    def generate_presigned_post(self, **kwargs: object) -> Mapping[str, object]: ...
    def generate_presigned_url(self, operation: str, **kwargs: object) -> str: ...
    def get_object(self, **kwargs: object) -> Mapping[str, object]: ...
    def delete_object(self, **kwargs: object) -> object: ...


class S3CvStore:
    """``CvStore`` on one bucket; the client is the shared cached one unless injected (tests)."""

    def __init__(self, bucket: str, client: object = None) -> None:
        self.bucket = bucket
        self._client = client

    @property
    def client(self) -> _S3:
        return cast(_S3, self._client or shared_client("s3"))

    def upload_form(self, key: str, content_type: str, max_bytes: int) -> UploadForm:
        with storage_errors("S3 presign POST"):
            form = self.client.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,  # boto3 adds the exact {"key": key} condition
                Fields={"Content-Type": content_type},
                Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
                ExpiresIn=UPLOAD_SECONDS,
            )
        expires_at = datetime.now(UTC) + timedelta(seconds=UPLOAD_SECONDS)
        fields = cast(Mapping[str, object], form["fields"])
        return UploadForm(str(form["url"]), {str(k): str(v) for k, v in fields.items()}, expires_at)

    def head(self, key: str, version_id: str | None, length: int) -> tuple[bytes, int] | None:
        version = {"VersionId": version_id} if version_id else {}
        try:
            with storage_errors("S3 GetObject"):
                response = self.client.get_object(Bucket=self.bucket, Key=key, Range=f"bytes=0-{length - 1}", **version)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in GONE:
                return None
            if code == "InvalidRange":  # an empty object: no byte to range over
                return b"", 0
            raise
        head = cast(_Readable, response["Body"]).read()
        total = _TOTAL.search(str(response.get("ContentRange") or ""))
        return head, int(total.group(1)) if total else int(str(response.get("ContentLength", len(head))))

    def delete(self, key: str, version_id: str | None) -> None:
        version = {"VersionId": version_id} if version_id else {}
        try:
            with storage_errors("S3 DeleteObject"):
                self.client.delete_object(Bucket=self.bucket, Key=key, **version)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code", "") not in GONE:
                raise

    def download_url(self, key: str, file_name: str, content_type: str) -> tuple[str, int]:
        # The name as the candidate gave it, reduced to what a header value may hold unquoted-safely.
        safe_name = re.sub(r"[^A-Za-z0-9._ -]", "_", file_name)[:120] or "cv"
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{safe_name}"',
            "ResponseContentType": content_type,
        }
        with storage_errors("S3 presign GET"):
            url = self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=DOWNLOAD_SECONDS)
        return str(url), DOWNLOAD_SECONDS

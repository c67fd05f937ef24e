"""Opens the bank details HR sealed (``tandem.hr.adapters.kms``): KMS ``Decrypt`` under ``BankDetailsKey`` with
the SAME encryption context, ``{"purpose": "bank-details", "employee_id": <id>}``.

The context binds a ciphertext to its employee: a sealed account copied onto another employee's record does
not open, and the bank-file function's IAM allows ``kms:Decrypt`` only with ``purpose=bank-details``. Only
the bank-file step builds this adapter; nothing opened is stored or logged.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Protocol

from botocore.exceptions import BotoCoreError, ClientError

from tandem.payroll.domain.errors import InvalidBankDetails
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.aws.transient import is_transient, unavailable

PURPOSE = "bank-details"  # HR's, on purpose the same literal: the context must match byte for byte


class KmsDecrypt(Protocol):
    """The one call of the KMS client the opener makes (no KMS stubs in the venv)."""

    def decrypt(
        self, *, CiphertextBlob: bytes, EncryptionContext: dict[str, str], KeyId: str
    ) -> Mapping[str, object]: ...  # noqa: N803 - boto3's names


class KmsBankDetails:
    """``BankDetails``: (employee id, base64 ciphertext) -> (IBAN, BIC or None)."""

    def __init__(self, key_id: str, client: KmsDecrypt | None = None) -> None:
        self.key_id = key_id
        self._client = client

    @property
    def client(self) -> KmsDecrypt:
        return self._client or shared_client("kms")

    def open(self, employee_id: str, sealed: str) -> tuple[str, str | None]:
        refused = InvalidBankDetails(
            f"the bank details of employee {employee_id} cannot be opened: ask HR to enter them again",
            details={"field": "bank_account", "employee_id": employee_id},
        )
        try:
            blob = base64.b64decode(sealed, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise refused from exc
        context = {"purpose": PURPOSE, "employee_id": employee_id}
        try:
            plaintext = self.client.decrypt(CiphertextBlob=blob, EncryptionContext=context, KeyId=self.key_id)
        except (ClientError, BotoCoreError) as exc:
            if is_transient(exc):
                raise unavailable("kms", exc) from exc
            raise refused from exc  # InvalidCiphertext: another employee's seal, or not sealed by our key
        clear = plaintext["Plaintext"]
        if not isinstance(clear, bytes):  # pragma: no cover - boto3 always answers bytes
            raise TypeError("KMS answered no plaintext")
        opened = json.loads(clear)
        return str(opened["iban"]), (str(opened["bic"]) if opened.get("bic") else None)

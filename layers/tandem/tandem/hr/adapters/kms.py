"""The bank-details seal: KMS ``Encrypt`` under ``BankDetailsKey`` with the employee id as encryption context.

HR's functions may only encrypt; payroll's bank-file step alone holds ``kms:Decrypt`` (template key policy
and IAM). The encryption context binds a ciphertext to its employee: a sealed account copied onto another
employee's record does not decrypt. What is sealed is ``{"iban", "bic"}`` as JSON; the result is base64.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Protocol
from uuid import UUID

from tandem.hr.domain.bank import BankAccount
from tandem.shared.aws.bootstrap import client as shared_client
from tandem.shared.aws.dynamo import storage_errors

PURPOSE = "bank-details"


class KmsEncrypt(Protocol):
    """The one call of the KMS client the seal makes (no KMS stubs in the venv)."""

    def encrypt(self, *, KeyId: str, Plaintext: bytes, EncryptionContext: dict[str, str]) -> Mapping[str, object]: ...  # noqa: N803 - boto3's names


def encryption_context(employee_id: UUID) -> dict[str, str]:
    return {"purpose": PURPOSE, "employee_id": str(employee_id)}


class KmsBankDetailsSealer:
    """``Sealer`` for the domain: (account, employee id) -> base64 KMS ciphertext."""

    def __init__(self, key_id: str, client: KmsEncrypt | None = None) -> None:
        self.key_id = key_id
        self._client = client

    @property
    def client(self) -> KmsEncrypt:
        return self._client or shared_client("kms")

    def __call__(self, account: BankAccount, employee_id: UUID) -> str:
        plaintext = json.dumps({"iban": account.iban, "bic": account.bic}).encode()
        with storage_errors("KMS Encrypt"):
            blob = self.client.encrypt(
                KeyId=self.key_id, Plaintext=plaintext, EncryptionContext=encryption_context(employee_id)
            )["CiphertextBlob"]
        if not isinstance(blob, bytes):  # pragma: no cover - boto3 always answers bytes
            raise TypeError("KMS answered no ciphertext")
        return base64.b64encode(blob).decode("ascii")

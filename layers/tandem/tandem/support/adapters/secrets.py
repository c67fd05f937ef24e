"""The thread-token secrets (``tokens``), read from AWS Secrets Manager with Powertools Parameters and cached.

The secret's value is JSON ``{"current": "<secret>", "previous": "<secret>"}`` (``previous`` empty outside a
rotation); a plain string is one secret. ``current`` signs every outbound Message-ID and Reply-To; both
verify, so replies to mail sent before a rotation keep threading. Each instance has its own provider (its
own cache): locally many functions and stacks share one process.
"""

from __future__ import annotations

import json

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from tandem.shared.aws.transient import is_transient, unavailable
from tandem.support.domain.tokens import MIN_SECRET_BYTES

DEFAULT_MAX_AGE_SECONDS = 300


class NoThreadSecret(Exception):
    """The secret is missing, or holds nothing at least ``MIN_SECRET_BYTES`` long: no mail can be signed."""


def thread_secrets(value: str | bytes) -> tuple[bytes, ...]:
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    try:
        parsed: object = json.loads(text)
    except ValueError:
        parsed = None
    found = [parsed.get("current"), parsed.get("previous")] if isinstance(parsed, dict) else [text if text else None]
    secrets = tuple(dict.fromkeys(s.encode() for s in found if isinstance(s, str) and len(s) >= MIN_SECRET_BYTES))
    if not secrets:
        raise NoThreadSecret("the thread-token secret holds no secret of 16 bytes or more")
    return secrets


class SecretsManagerThreadSecrets:
    """Callable: the secrets of ``secret_id``, read at most once per ``max_age`` seconds."""

    def __init__(self, secret_id: str, client: object, *, max_age: int = DEFAULT_MAX_AGE_SECONDS) -> None:
        self._secret_id = secret_id
        self._client = client
        self._provider: SecretsProvider | None = None
        self._max_age = max_age

    def __call__(self) -> tuple[bytes, ...]:
        if not self._secret_id:
            raise NoThreadSecret("THREAD_SECRET_ID is not set")
        if self._provider is None:
            self._provider = SecretsProvider(boto3_client=self._client)
        try:
            value = self._provider.get(self._secret_id, max_age=self._max_age)
        except GetParameterError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, Exception) and is_transient(cause):
                raise unavailable("secretsmanager", cause) from exc
            raise
        if not isinstance(value, str | bytes):
            raise NoThreadSecret("the thread-token secret is not text")
        return thread_secrets(value)

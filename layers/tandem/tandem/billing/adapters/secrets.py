"""The payment webhook's signing secrets, read from AWS Secrets Manager with Powertools Parameters and cached.

The secret's value is JSON ``{"current": "<secret>", "previous": "<secret>"}`` (``previous`` empty or absent
outside a rotation); a plain string is one secret. A signature valid under any of them is accepted, so a
secret is rotated without a failed delivery (README "The webhook secret"). The value is cached for
``max_age`` seconds per execution environment: a change reaches every function within that time.

Each instance has its own ``SecretsProvider`` (its own cache), not Powertools' process-wide default one:
locally many functions and stacks share one process, each with its own secret.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.parameters import SecretsProvider
from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

from tandem.shared.aws.transient import is_transient, unavailable

DEFAULT_MAX_AGE_SECONDS = 300
ACCEPTED_KEYS = ("current", "previous")


def accepted_secrets(value: str | bytes) -> tuple[str, ...]:
    """The secrets a stored value names: ``current`` and ``previous`` of a JSON object, or the whole string."""
    text = value.decode("utf-8") if isinstance(value, bytes) else value
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        found = (parsed.get(key) for key in ACCEPTED_KEYS)
        return tuple(dict.fromkeys(s for s in found if isinstance(s, str) and s))
    return (text,) if text.strip() else ()


class SecretsManagerWebhookSecrets:
    """``accepted()`` reads the secret named ``secret_id`` (its ARN or name), at most once per ``max_age``.
    The provider (and the client) are made on first use: only the webhook reads a secret."""

    def __init__(self, secret_id: str, client: object, *, max_age: int = DEFAULT_MAX_AGE_SECONDS) -> None:
        self._secret_id = secret_id
        self._client = client
        self._provider: SecretsProvider | None = None
        self._max_age = max_age

    def accepted(self) -> tuple[str, ...]:
        if not self._secret_id:
            return ()
        if self._provider is None:
            self._provider = SecretsProvider(boto3_client=self._client)
        try:
            value = self._provider.get(self._secret_id, max_age=self._max_age)
        except GetParameterError as exc:
            cause = exc.__cause__ or exc.__context__
            if isinstance(cause, Exception) and is_transient(cause):
                raise unavailable("secretsmanager", cause) from exc
            raise
        return accepted_secrets(value) if isinstance(value, (str, bytes)) else ()

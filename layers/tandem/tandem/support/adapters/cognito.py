"""The agents who take new tickets in turn: the enabled members of the user pool's ``support`` group.

Being in the group is what makes someone an agent (as in Zendesk), so there is no second list to keep in
step. Read with ``ListUsersInGroup`` (paged), each user's ``sub`` attribute, sorted for a stable rotation,
and kept in the process for ``ttl`` seconds: a ticket opening costs no Cognito call most of the time, and an
agent who joins or leaves is in or out of the rotation within a minute. An empty roster is not kept, so the
first agent added gets tickets at once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tandem.shared.aws.bootstrap import client as cached_client

log = logging.getLogger(__name__)
DEFAULT_TTL_SECONDS = 60.0
AGENT_GROUP = "support"


class CognitoAgentRoster:
    def __init__(
        self,
        user_pool_id: str,
        *,
        group: str = AGENT_GROUP,
        client: object = None,
        ttl: float = DEFAULT_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``client``: a ``cognito-idp`` client; None: the function's cached one, looked up when read."""
        self.user_pool_id = user_pool_id
        self.group = group
        self.client: Any = client
        self.ttl = ttl
        self.monotonic = monotonic
        self._cached: tuple[str, ...] = ()
        self._read_at: float | None = None

    def agents(self) -> tuple[str, ...]:
        """The agents' subs, sorted; () when there are none or Cognito cannot be read (the ticket is stored
        unassigned and an agent picks it: a ticket is never lost to the roster)."""
        now = self.monotonic()
        if self._cached and self._read_at is not None and now - self._read_at < self.ttl:
            return self._cached
        try:
            self._cached = self._read()
        except (ClientError, BotoCoreError) as exc:
            log.warning("support agents not read; ticket left unassigned", extra={"error": type(exc).__name__})
            return self._cached
        self._read_at = now
        return self._cached

    def _read(self) -> tuple[str, ...]:
        client = self.client if self.client is not None else cached_client("cognito-idp")
        subs: set[str] = set()
        request: dict[str, Any] = {"UserPoolId": self.user_pool_id, "GroupName": self.group, "Limit": 60}
        while True:
            response = client.list_users_in_group(**request)
            for user in response.get("Users", []):
                sub = next((a.get("Value") for a in user.get("Attributes", []) if a.get("Name") == "sub"), None)
                if user.get("Enabled", True) and sub:
                    subs.add(str(sub))
            token = response.get("NextToken")
            if not token:
                return tuple(sorted(subs))
            request["NextToken"] = token


class NoAgents:
    """Automatic assignment switched off (``SupportAutoAssign=false``): every new ticket waits unassigned."""

    def agents(self) -> tuple[str, ...]:
        return ()

"""One way to run a Step Functions task action: ``{"action": "<name>", ...}`` -> the action's function.

Each context's ``saga.py`` declares its actions once, as a ``SagaActions`` of name -> (input model,
function). The input is validated by the model; an unknown action is ``UnknownSagaAction`` and invalid
input is the context's own error (the names the state machine's ``Catch`` matches), neither retried.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from tandem.shared.errors import DomainError, ValidationFailed, field_errors

I = TypeVar("I", bound=BaseModel)  # noqa: E741 - the input model of one action


class UnknownSagaAction(ValidationFailed):
    code = "unknown_saga_action"
    message = "The task's action is not one this function performs"


@dataclass(frozen=True, slots=True)
class SagaAction(Generic[I]):
    """One task action: its input model and what it does with a valid input."""

    input: type[I]
    run: Callable[[I], dict[str, Any]]


class SagaActions:
    """The task actions of one context, keyed by name."""

    def __init__(self, actions: Mapping[str, SagaAction[Any]], *, invalid_input: type[DomainError]) -> None:
        self._actions = dict(actions)
        self._invalid_input = invalid_input

    def names(self) -> frozenset[str]:
        return frozenset(self._actions)

    def dispatch(self, event: object) -> dict[str, Any]:
        if not isinstance(event, Mapping):
            raise self._invalid_input(details=[{"field": "input", "message": "must be a JSON object"}])
        name = str(event.get("action"))
        action = self._actions.get(name)
        if action is None:
            raise UnknownSagaAction(details={"action": name[:64], "known": sorted(self._actions)})
        try:
            given = action.input.model_validate(dict(event))
        except ValidationError as exc:
            raise self._invalid_input(details=field_errors(exc.errors())) from None
        return action.run(given)

"""The event envelope: ``{"metadata": {...}, "data": {...}}`` on every Tandem event.

Pydantic models are the single source of truth: producers build envelopes from them,
consumers parse with them, and ``tandem.shared.schemas`` exports their JSON Schemas.
Event payloads ignore unknown fields on parsing (tolerant reader), so an additive change
keeps its version; a breaking change is a new class with ``version = 2``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from tandem.shared.clock import new_id
from tandem.shared.correlation import MessageContext


class DomainEvent(BaseModel):
    """Payload of an event. Subclasses set ``context``, ``event_type`` and ``version``."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    context: ClassVar[str]
    event_type: ClassVar[str]
    version: ClassVar[int] = 1
    registry: ClassVar[dict[tuple[str, str, int], type[DomainEvent]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in cls.__dict__:
            DomainEvent.registry[(cls.source(), cls.event_type, cls.version)] = cls

    @classmethod
    def source(cls) -> str:
        """EventBridge ``Source``: ``tandem.<context>``."""
        return f"tandem.{cls.context}"


class EventMetadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    event_id: UUID
    event_type: str = Field(min_length=1, max_length=64)
    version: int = Field(ge=1)
    occurred_at: AwareDatetime
    correlation_id: str = Field(min_length=1, max_length=128)
    causation_id: str = Field(min_length=1, max_length=128)

    @field_validator("occurred_at")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)


class TolerantReader(BaseModel):
    """A consumer's OWN model of another context's event data: only the fields it needs, unknown fields
    ignored (the publisher may add fields freely). Plain pydantic, never a ``DomainEvent``, so it stays
    out of the schema registry."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class InboundEvent(BaseModel):
    """``detail`` of another context's event, ``data`` read by ``metadata.event_type``.

    Subclasses declare ``data: Annotated[A | B, Field(discriminator="kind")]`` where each reader has
    ``kind: Literal["<event type>"]``; the event type is copied into ``data.kind`` before validation.
    Only version 1 is read: a breaking change is a new version, read on purpose, not by luck.
    """

    model_config = ConfigDict(frozen=True, extra="ignore")

    metadata: EventMetadata

    @model_validator(mode="before")
    @classmethod
    def _kind_from_metadata(cls, value: Any) -> Any:
        if not isinstance(value, dict) or not isinstance(value.get("data"), dict):
            return value
        metadata = value.get("metadata") or {}
        if metadata.get("version") != 1:
            raise ValueError(f"unsupported event version {metadata.get('version')!r}")
        return {**value, "data": {**value["data"], "kind": metadata.get("event_type")}}


E = TypeVar("E", bound=DomainEvent)


class Envelope(BaseModel, Generic[E]):
    model_config = ConfigDict(frozen=True, extra="ignore")

    metadata: EventMetadata
    data: E

    @model_validator(mode="after")
    def _metadata_matches_payload(self) -> Envelope[E]:
        payload = type(self.data)
        if payload is not DomainEvent and (
            self.metadata.event_type != payload.event_type or self.metadata.version != payload.version
        ):
            raise ValueError(
                f"envelope says {self.metadata.event_type} v{self.metadata.version}, "
                f"expected {payload.event_type} v{payload.version}"
            )
        return self

    @classmethod
    def wrap(
        cls, event: E, context: MessageContext, *, occurred_at: datetime, event_id: UUID | None = None
    ) -> Envelope[E]:
        """Envelope for a freshly recorded event, carrying the caller's correlation."""
        metadata = EventMetadata(
            event_id=event_id or new_id(),
            event_type=event.event_type,
            version=event.version,
            occurred_at=occurred_at,
            correlation_id=context.correlation_id,
            causation_id=context.causation_id,
        )
        return Envelope[type(event)](metadata=metadata, data=event)  # type: ignore[misc,operator]

    @property
    def source(self) -> str:
        return type(self.data).source()

    def to_json(self) -> str:
        return self.model_dump_json()

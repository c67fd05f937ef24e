"""Response models shared by every API's OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. validation_failed")
    message: str = Field(description="Human-readable explanation")
    details: Any = Field(default_factory=dict, description="For 422: a list of {field, message}")


class ErrorResponse(BaseModel):
    error: ErrorDetail

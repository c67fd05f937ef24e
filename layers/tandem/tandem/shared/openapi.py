"""The wire shapes every API shares: the error body, the page of a listing, money and rates as text.

Each API's ``api_models`` builds on these, so a frontend meets one error schema, one page shape and one
money format in the whole OpenAPI document (``docs/openapi.json``).
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, Field

# ISO 4217 minor units go up to 4 (CLF); amounts are always written with their currency's digits.
MONEY_PATTERN = r"^-?[0-9]+(\.[0-9]{1,4})?$"
Money = Annotated[
    str,
    Field(
        pattern=MONEY_PATTERN,
        description="Decimal amount as text with the currency's minor digits (never a float)",
        examples=["119.00"],
    ),
]
Rate = Annotated[
    str,
    Field(pattern=r"^[0-9]+(\.[0-9]+)?$", description="Decimal fraction as text (0.19 is 19 %)", examples=["0.19"]),
]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code", examples=["EUR"])]

PAGE_LIMIT_DEFAULT = 25
PAGE_LIMIT_MAX = 100
PAGE_TOKEN_MAX = 2048
NEXT_TOKEN_DESCRIPTION = "Opaque token of the next page; absent or null on the last page. Send it back as ?next_token="

T = TypeVar("T")


class FieldProblem(BaseModel):
    field: str = Field(description="Dotted path of the input that is wrong, e.g. lines[0].quantity or limit")
    message: str = Field(description="What is wrong with it, for a person")


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. validation_failed", examples=["not_found"])
    message: str = Field(description="Human-readable explanation", examples=["Order not found"])
    details: list[FieldProblem] | dict[str, Any] = Field(
        default_factory=dict,
        description=(
            "A list of {field, message} when the input is at fault (every 422, and a few 409s that name a field); "
            "otherwise an object whose keys depend on the code, e.g. required_groups on a 403 or retry hints on a 503"
        ),
    )


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx this API answers has this body."""

    error: ErrorDetail


class ItemsPage(BaseModel, Generic[T]):
    """One page of a listing, newest first unless the operation says otherwise."""

    items: list[T]
    next_token: str | None = Field(default=None, max_length=PAGE_TOKEN_MAX, description=NEXT_TOKEN_DESCRIPTION)

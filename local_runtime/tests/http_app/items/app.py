"""A Powertools REST resolver with validation, so the OpenAPI document has real schemas."""

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, Field

app = APIGatewayRestResolver(enable_validation=True)


class NewItem(BaseModel):
    name: str = Field(min_length=1, max_length=50)


class Item(BaseModel):
    item_id: str
    name: str


@app.post("/items", summary="Create an item")
def create(item: NewItem) -> Item:
    return Item(item_id="1", name=item.name)


@app.get("/items", summary="List items")
def list_items() -> list[Item]:
    claims = app.current_event.request_context.authorizer.claims
    return [Item(item_id="1", name=claims.get("cognito:groups", ""))]


@app.get("/items/<item_id>", summary="Get one item")
def get_item(item_id: Annotated[str, Path(max_length=10)]) -> Item:
    return Item(item_id=item_id, name="one")


@app.get("/not-in-template", summary="Routed by the resolver but not by the template")
def hidden() -> dict:
    return {}


def handler(event, context):
    return app.resolve(event, context)

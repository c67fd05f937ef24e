"""CRM API: the public contact form and the sales team's lead and customer views."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.crm.customers import bootstrap as customers
from tandem.crm.customers.api_models import CustomerList, CustomerView, TimelineView
from tandem.crm.leads import bootstrap as leads
from tandem.crm.leads.api_models import ContactForm, LeadAccepted, LeadList, LeadView
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import error_responses, make_resolver

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(logger=logger, title="Tandem CRM API", description="Contact form and leads")


@app.post(
    "/forms/contact",
    status_code=202,
    tags=["forms"],
    summary="Submit the public contact form",
    responses=error_responses(400, 409, 413, 415, 422, 503),
)
def submit_contact_form(form: ContactForm) -> LeadAccepted:
    context = correlation.from_http(app.current_event.raw_event)
    result = leads.services().capture_lead(form.to_command(), context)
    if result.stored:
        metrics.add_metric(name="LeadCaptured", unit=MetricUnit.Count, value=1)
    return LeadAccepted(lead_id=result.lead_id)


@app.get(
    "/leads",
    tags=["leads"],
    summary="List leads, newest first",
    middlewares=[require_groups("sales")],
    responses=error_responses(401, 403, 422, 503),
)
def list_leads(
    limit: Annotated[int, Query(ge=1, le=100)] = 25, next_token: Annotated[str | None, Query(max_length=1024)] = None
) -> LeadList:
    return LeadList.of(leads.services().list_leads(limit, next_token))


@app.get(
    "/leads/<id>",
    tags=["leads"],
    summary="Get one lead",
    middlewares=[require_groups("sales")],
    responses=error_responses(401, 403, 404, 422, 503),
)
def get_lead(id: Annotated[str, Path(max_length=64)]) -> LeadView:  # noqa: A002 - the template's {id}
    return LeadView.of(leads.services().get_lead(id))


@app.get(
    "/customers",
    tags=["customers"],
    summary="Find customers by email",
    middlewares=[require_groups("sales")],
    responses=error_responses(401, 403, 422, 503),
)
def find_customers(email: Annotated[str, Query(min_length=3, max_length=254)]) -> CustomerList:
    return CustomerList.of(customers.services().find_customers(email))


@app.get(
    "/customers/<id>",
    tags=["customers"],
    summary="Get one customer",
    middlewares=[require_groups("sales")],
    responses=error_responses(401, 403, 404, 503),
)
def get_customer(id: Annotated[str, Path(max_length=64)]) -> CustomerView:  # noqa: A002 - the template's {id}
    return CustomerView.of(customers.services().get_customer(id))


@app.get(
    "/customers/<id>/timeline",
    tags=["customers"],
    summary="A customer's commerce events, oldest first",
    middlewares=[require_groups("sales")],
    responses=error_responses(401, 403, 404, 422, 503),
)
def customer_timeline(
    id: Annotated[str, Path(max_length=64)],  # noqa: A002 - the template's {id}
    limit: Annotated[int, Query(ge=1, le=100)] = 100,
    next_token: Annotated[str | None, Query(max_length=1024)] = None,
) -> TimelineView:
    return TimelineView.of(customers.services().customer_timeline(id, limit, next_token))


# API Gateway's request id is the correlation id until the caller's X-Correlation-Id is checked.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)

"""CRM API: the public contact form, the sales team's lead and customer views, a customer's own record."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from tandem.crm.customers import bootstrap as customers
from tandem.crm.customers.api_models import CustomerList, CustomerTimeline, CustomerView, viewer_of
from tandem.crm.leads import bootstrap as leads
from tandem.crm.leads.api_models import ContactForm, LeadAccepted, LeadList, LeadView
from tandem.shared import correlation
from tandem.shared.auth import require_groups
from tandem.shared.http import NextToken, PageLimit, error_responses, make_resolver
from tandem.shared.openapi import PAGE_LIMIT_DEFAULT

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = make_resolver(
    logger=logger,
    title="Tandem CRM API",
    tags={
        "forms": "The public contact form: anyone may send it, no token needed",
        "leads": "People who sent the contact form, for the sales team",
        "customers": "Everyone who ordered or asked support, with orders, invoices, payments and tickets as a timeline",
    },
)
ID = Annotated[str, Path(max_length=64)]
CUSTOMER_ID = Annotated[
    str, Path(max_length=64, description="The customer's id, or `me`: the record the caller's latest order is on")
]
OWN = [require_groups("sales", "customer")]  # a customer: only their own record
Email = Annotated[str, Query(min_length=3, max_length=254)]


@app.post(
    "/forms/contact",
    status_code=202,
    tags=["forms"],
    summary="Submit the contact form",
    responses=error_responses(400, 409, 413, 415, 422),
)
def submit_contact_form(form: ContactForm) -> LeadAccepted:
    """Stores a lead (LeadCaptured is published) and emails the person an acknowledgement. The same email
    and message again within 10 minutes answer the first lead's reference and store nothing."""
    context = correlation.from_http(app.current_event.raw_event)
    result = leads.services().capture_lead(form.to_command(), context)
    if result.stored:
        metrics.add_metric(name="LeadCaptured", unit=MetricUnit.Count, value=1)
    return LeadAccepted(lead_id=result.lead_id)


@app.get(
    "/leads",
    tags=["leads"],
    summary="List leads",
    middlewares=[require_groups("sales")],
    responses=error_responses(422),
)
def list_leads(limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> LeadList:
    """Leads, newest first, one page at a time. Changes nothing."""
    return LeadList.of(leads.services().list_leads(limit, next_token))


@app.get(
    "/leads/<id>",
    tags=["leads"],
    summary="Get a lead",
    middlewares=[require_groups("sales")],
    responses=error_responses(404, 422),
)
def get_lead(id: ID) -> LeadView:  # noqa: A002 - the template's {id}
    """One lead with the message they sent. Changes nothing."""
    return LeadView.of(leads.services().get_lead(id))


@app.get(
    "/customers",
    tags=["customers"],
    summary="Find customers by email",
    middlewares=[require_groups("sales")],
    responses=error_responses(422),
)
def find_customers(email: Email, limit: PageLimit = PAGE_LIMIT_DEFAULT, next_token: NextToken = None) -> CustomerList:
    """The customer who ordered with this email (any case): none or one, never a next page. Changes nothing."""
    return CustomerList.of(customers.services().find_customers(email, limit, next_token))


@app.get(
    "/customers/<id>",
    tags=["customers"],
    summary="Get a customer",
    middlewares=OWN,
    responses=error_responses(404, 422),
)
def get_customer(id: CUSTOMER_ID) -> CustomerView:  # noqa: A002 - the template's {id}
    """One customer as the CRM knows them from their orders, invoices and support tickets, with the tickets
    still open (`open_tickets`, from the support events). A customer reads only their own record (`me`, or its
    id; any other is 404): the one their orders were placed on. Changes nothing."""
    return CustomerView.of(customers.services().get_customer(id, viewer_of(app.current_event.raw_event)))


@app.get(
    "/customers/<id>/timeline",
    tags=["customers"],
    summary="Get a customer's timeline",
    middlewares=OWN,
    responses=error_responses(404, 422),
)
def get_customer_timeline(
    id: CUSTOMER_ID,  # noqa: A002 - the template's {id}
    limit: PageLimit = PAGE_LIMIT_DEFAULT,
    next_token: NextToken = None,
) -> CustomerTimeline:
    """A customer's commerce and support events (orders, invoices, credit notes, payments; tickets opened,
    messages and replies as short excerpts, status changes, merges), oldest first, one page at a time; the
    customer themselves is getCustomer. A customer: only their own (`me`; any other is 404). Changes nothing."""
    viewer = viewer_of(app.current_event.raw_event)
    return CustomerTimeline.of(customers.services().customer_timeline(id, viewer, limit, next_token))


# API Gateway's request id is the correlation id until the caller's X-Correlation-Id is checked.
@metrics.log_metrics
@logger.inject_lambda_context(clear_state=True, correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    correlation.bind(logger, correlation.from_http(event))
    return app.resolve(event, context)

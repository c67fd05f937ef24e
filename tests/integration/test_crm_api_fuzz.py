"""Whatever a client sends to the public form, the answer is a 2xx or a clear 4xx: a 500 is a bug."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .test_crm_api import _with_body

FIELDS = ["name", "email", "message", "company", "phone", "consent", "website"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
forms = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), json_values, max_size=8)
bodies = forms.map(json.dumps) | st.text(max_size=300) | json_values.map(json.dumps)

fuzz = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(body=bodies)
def test_any_body_gets_a_2xx_or_a_json_4xx(api, sample, body):
    status, response = api(_with_body(sample("crm_api/submit_contact_form"), body))

    assert status in (202,) or 400 <= status < 500, (status, response)
    if status != 202:
        assert set(response["error"]) == {"code", "message", "details"}


@fuzz
@given(
    content_type=st.sampled_from(
        [
            "text/plain",
            "application/xml",
            "multipart/form-data; boundary=x",
            "",
            "application/json; charset=latin-1",
            "application/x-www-form-urlencoded",
        ]
    ),
    body=st.text(max_size=100),
)
def test_any_content_type_gets_a_2xx_or_a_json_4xx(api, sample, content_type, body):
    event = _with_body(sample("crm_api/submit_contact_form"), body)
    event["headers"]["Content-Type"] = content_type
    event["multiValueHeaders"]["Content-Type"] = [content_type]

    status, response = api(event)

    assert status == 202 or 400 <= status < 500, (status, response)

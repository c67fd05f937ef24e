"""Route table compiled from samtranslator output: matching precedence, ANY, greedy, auth, CORS."""

from __future__ import annotations

from http_testkit import POOL_ID, api_template, table_for
from local_runtime.tokens import issuer


def test_routes_come_from_the_translated_body_with_their_functions_and_auth() -> None:
    table = table_for(api_template())
    routes = {(r.method, r.resource): r for r in table.routes}
    assert routes["POST", "/items"].function == "ItemsFunction"
    assert routes["POST", "/items"].public
    assert routes["GET", "/items"].authorizer is not None
    assert routes["GET", "/items"].authorizer.name == "PoolAuth"
    assert routes["GET", "/items"].authorizer.issuers == frozenset({issuer("us-east-1", POOL_ID)})
    assert routes["ANY", "/files/{proxy+}"].function == "FilesFunction"
    assert table.default_api is not None and table.default_api.stage == "test"


def test_literal_segment_beats_parameter_and_parameters_are_decoded() -> None:
    table = table_for(api_template())
    special = table.match("GET", "/items/special")
    assert special is not None and special.route.resource == "/items/special"
    assert special.path_parameters is None
    by_id = table.match("GET", "/items/a%20b")
    assert by_id is not None and by_id.route.resource == "/items/{id}"
    assert by_id.path_parameters == {"id": "a b"}


def test_greedy_proxy_takes_the_rest_of_the_path_for_any_method() -> None:
    table = table_for(api_template())
    for method in ("GET", "DELETE", "PATCH"):
        m = table.match(method, "/files/a/b/c.txt")
        assert m is not None and m.route.function == "FilesFunction"
        assert m.path_parameters == {"proxy": "a/b/c.txt"}
    assert table.match("GET", "/files") is None  # {proxy+} needs at least one segment


def test_unknown_path_or_method_has_no_route() -> None:
    table = table_for(api_template())
    assert table.match("GET", "/nope") is None
    assert table.match("DELETE", "/items") is None  # known resource, unknown method: 403/404 on AWS too
    assert table.match("GET", "/items/") is not None  # trailing slash is the same resource


def test_cors_preflight_is_the_templates_mock_integration() -> None:
    table = table_for(api_template({"Cors": {"AllowOrigin": "'*'", "AllowHeaders": "'Content-Type'"}}))
    m = table.match("OPTIONS", "/items/42")
    assert m is not None and m.route.integration == "mock"
    assert m.route.public  # AddDefaultAuthorizerToCorsPreflight: false
    headers = dict(m.route.mock.headers)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert "GET" in headers["Access-Control-Allow-Methods"]


def test_auto_publish_alias_uri_points_at_the_function() -> None:
    sam = api_template()
    sam["Resources"]["FilesFunction"]["Properties"]["AutoPublishAlias"] = "live"
    table = table_for(sam)
    m = table.match("GET", "/files/x")
    assert m is not None and m.route.function == "FilesFunction"


def test_binary_media_types_and_stage_variables_are_read() -> None:
    table = table_for(api_template({"BinaryMediaTypes": ["image~1png"], "Variables": {"flavour": "local"}}))
    api = table.default_api
    assert api is not None
    assert api.binary_media_types == ("image/png",)
    assert api.stage_variables == {"flavour": "local"}

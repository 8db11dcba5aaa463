"""The OpenAPI schema, the offline docs page, and a small fuzz: no input gives a 500."""

import json
import re

from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.api.conftest import bearer, post_json, submit_url
from tests.conftest import World


def test_openapi_json_lists_the_endpoints(db: None, client: Client) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["info"]["title"] == "众智 API"
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "post" in paths["/api/campaigns/{campaign_id}/suggestions"]
    assert "post" in paths["/api/campaigns/{campaign_id}/suggestions/batch"]
    assert "get" in paths["/api/receipts/{code}"]
    assert "get" in paths["/api/suggestions"]
    assert "get" in paths["/api/campaigns/{campaign_id}"]
    # The limits are documented in the schema, not only in prose.
    suggestion_in = schema["components"]["schemas"]["SuggestionIn"]
    assert suggestion_in["properties"]["text"]["maxLength"] == 5000
    assert suggestion_in["additionalProperties"] is False
    batch = schema["components"]["schemas"]["BatchIn"]["properties"]["items"]
    assert batch["maxItems"] == 500
    # Token auth is declared where it is needed, and errors are documented as JSON.
    batch_post = paths["/api/campaigns/{campaign_id}/suggestions/batch"]["post"]
    assert batch_post["security"]
    assert "422" in batch_post["responses"]
    headers = [p["name"] for p in batch_post["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]


def test_docs_page_works_offline(db: None, client: Client) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet comes from this server, none from a CDN.
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in re.findall(r'(?:src|href)="([^"]+)"', html):
        response = client.get(asset)
        assert response.status_code == 200, asset
        b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_docs_assets_are_limited_to_the_swagger_files(db: None, client: Client) -> None:
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    for name in ("..%2F__init__.py", "redoc.standalone.js.map", "nope.js"):
        assert client.get(f"/api/docs/assets/{name}").status_code == 404


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
field_names = st.sampled_from(
    [
        "text",
        "title",
        "topic_id",
        "topic",
        "category_id",
        "category",
        "unit_code",
        "submitter_name",
        "submitter_phone",
        "anonymous",
        "channel",
        "items",
    ]
)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(field_names, json_values, max_size=5), key=st.text(max_size=90))
def test_no_submit_body_gives_a_500(world: World, settings, body: dict, key: str) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"submit": (10_000, 60), "batch": (10_000, 60)}
    client = Client()
    headers = {"Idempotency-Key": key} if key.isprintable() and "\n" not in key else {}
    response = post_json(client, submit_url(world.campaign.pk), body, **headers)
    assert response.status_code < 500, response.content
    assert "detail" in response.json() or "receipt_code" in response.json()


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=st.lists(st.dictionaries(field_names, json_values, max_size=4), max_size=4))
def test_no_batch_body_gives_a_500(world: World, hdl_token: str, settings, items: list) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"batch": (10_000, 60)}
    response = post_json(
        Client(),
        f"/api/campaigns/{world.campaign.pk}/suggestions/batch",
        {"items": items},
        **bearer(hdl_token),
    )
    assert response.status_code < 500, response.content


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "campaign",
                "status",
                "topic",
                "channel",
                "unit",
                "submitted_from",
                "submitted_to",
                "q",
                "page",
                "page_size",
            ]
        ),
        st.text(max_size=20) | st.integers().map(str),
        max_size=4,
    )
)
def test_no_list_query_gives_a_500(world: World, settings, params: dict) -> None:  # type: ignore[no-untyped-def]
    settings.ZHONGZHI_API_RATE_LIMITS = {"list": (10_000, 60)}
    client = Client()
    client.force_login(world.office)
    response = client.get("/api/suggestions", params)
    assert response.status_code < 500, response.content

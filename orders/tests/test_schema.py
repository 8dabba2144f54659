"""What the OpenAPI schema tells a client about the orders endpoints."""

import io

import pytest

from orders.models import Extra, Pizza
from orders.seed import seed_menu

ERROR = {"$ref": "#/components/schemas/Error"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def test_a_status_change_requires_the_status(schema):
    body = schema["paths"]["/api/orders/{id}/"]["patch"]["requestBody"]["content"]

    assert list(body) == ["application/json"]
    assert body["application/json"]["schema"]["required"] == ["status"]


def test_an_order_is_placed_in_json_only(schema):
    body = schema["paths"]["/api/orders/"]["post"]["requestBody"]["content"]

    assert list(body) == ["application/json"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/orders/", "400"),
        ("post", "/api/orders/", "409"),
        ("patch", "/api/orders/{id}/", "403"),
        ("patch", "/api/orders/{id}/", "409"),
    ],
)
def test_documented_errors_have_the_error_body(schema, method, path, status):
    response = schema["paths"][path][method]["responses"][status]

    assert response["content"]["application/json"]["schema"] == ERROR


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("post", "/api/orders/", "409", "idempotency_key_reused"),
        ("patch", "/api/orders/{id}/", "409", "invalid_transition"),
        ("patch", "/api/orders/{id}/", "403", "permission_denied"),
    ],
)
def test_documented_errors_show_their_real_code(schema, method, path, status, code):
    content = schema["paths"][path][method]["responses"][status]["content"]["application/json"]

    assert [example["value"]["code"] for example in content["examples"].values()] == [code]


@pytest.mark.django_db
def test_the_documented_order_is_placed_on_a_freshly_seeded_menu(schema, api_client):
    seed_menu(stdout=io.StringIO())
    body = schema["paths"]["/api/orders/"]["post"]["requestBody"]["content"]["application/json"]
    (example,) = body["examples"].values()
    order = example["value"]
    # On a fresh database the menu's ids start at 1; here the sequences have moved on.
    first_pizza = Pizza.objects.order_by("id").first().pk - 1
    first_extra = Extra.objects.order_by("id").first().pk - 1
    for item in order["items"]:
        item["pizza"] += first_pizza
        for extra in item["extras"]:
            extra["extra"] += first_extra

    response = api_client.post("/api/orders/", order)

    assert response.status_code == 201, response.json()
    assert response.json()["phone"] == "+36301234567"
    assert [item["pizza_name"] for item in response.json()["items"]] == [
        "Mighty Meaty",
        "Cheese & Tomato",
    ]

"""What the OpenAPI schema tells a client about the orders endpoints."""

import pytest

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

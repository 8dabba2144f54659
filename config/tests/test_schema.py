import pytest
from django.core.management import call_command


def test_the_openapi_schema_renders_with_no_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml")
    assert "/health/ready" in (tmp_path / "schema.yml").read_text()


def test_the_schema_and_the_documentation_pages_are_served(api_client):
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/docs/").status_code == 200
    assert api_client.get("/redoc/").status_code == 200


def test_every_operation_documents_the_error_shape(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["status", "code", "detail", "fields"]
    for path in schema["paths"].values():
        for operation in path.values():
            assert operation["responses"]["default"]["content"]["application/json"]


def test_every_cursor_paginated_list_documents_its_page_size(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path in ("/api/users/", "/api/orders/", "/api/pizzas/", "/api/records/"):
        parameters = {
            parameter["name"]: parameter for parameter in schema["paths"][path]["get"]["parameters"]
        }
        assert parameters["page_size"]["schema"] == {
            "type": "integer",
            "default": 20,
            "minimum": 1,
            "maximum": 100,
        }


def test_the_docs_keep_the_authorization_across_reloads(api_client):
    page = api_client.get("/docs/").content.decode()

    assert '"persistAuthorization": true' in page


def test_redoc_asks_no_other_host_for_fonts_or_scripts(api_client):
    page = api_client.get("/redoc/").content.decode()

    assert "<redoc" in page or "Redoc.init" in page
    assert "http://" not in page
    assert "https://" not in page
    # ReDoc's own footer logo is the vendor's: the page's policy keeps it from loading.
    assert "img-src 'self' data:;" in page


def test_every_tag_is_described(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    described = {tag["name"] for tag in schema["tags"] if tag["description"]}
    used = {
        tag
        for path in schema["paths"].values()
        for operation in path.values()
        for tag in operation["tags"]
    }

    assert used <= described


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/auth/login"),
        ("post", "/api/auth/signup"),
        ("get", "/api/pizzas/"),
        ("get", "/health/ready"),
    ],
)
def test_operations_that_take_no_credentials_show_no_padlock(api_client, method, path):
    schema = api_client.get("/api/schema/?format=json").json()

    assert "security" not in schema["paths"][path][method]


def test_the_bearer_scheme_says_where_the_token_comes_from(api_client):
    schemes = api_client.get("/api/schema/?format=json").json()["components"]["securitySchemes"]

    assert "POST /api/auth/login" in schemes["jwtAuth"]["description"]


def test_every_operation_shows_error_examples_with_their_real_codes(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path in schema["paths"].values():
        for operation in path.values():
            examples = operation["responses"]["default"]["content"]["application/json"]["examples"]
            assert {example["value"]["code"] for example in examples.values()} >= {
                "invalid",
                "not_authenticated",
                "throttled",
            }


def test_every_operation_has_a_summary(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    untitled = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if not operation.get("summary")
    ]

    assert untitled == []


@pytest.mark.django_db
def test_optional_query_parameters_may_be_empty_as_they_are_read(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    feed = {p["name"]: p for p in schema["paths"]["/api/posts/"]["get"]["parameters"]}
    assert feed["until"]["allowEmptyValue"] is True
    assert feed["scope"]["allowEmptyValue"] is True

    response = api_client.get("/api/posts/?since=&until=&scope=&sort=&author=&q=")

    assert response.status_code == 200

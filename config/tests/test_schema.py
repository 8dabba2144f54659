import pytest
from django.core.management import call_command


def test_the_openapi_schema_renders_with_no_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml")
    assert "/health/ready" in (tmp_path / "schema.yml").read_text()


def test_the_schema_and_the_documentation_pages_are_served(api_client):
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/docs/").status_code == 200
    assert api_client.get("/redoc/").status_code == 200


@pytest.mark.parametrize("page", ["/docs/", "/redoc/"])
def test_a_documentation_page_answers_other_methods_with_405_not_an_error(api_client, page):
    response = api_client.options(page)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


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
def test_an_empty_query_value_is_read_as_the_schema_says(client_for, staff, alice):
    """Where the schema allows an empty value, it reads as none (200); elsewhere it is a 400."""
    client = client_for(staff)
    schema = client.get("/api/schema/?format=json").json()
    answers = {}
    for path, item in schema["paths"].items():
        if "get" not in item:
            continue
        url = path.replace("{username}", "alice").replace("{id}", "1")
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "query" and not parameter.get("required"):
                status = client.get(f"{url}?{parameter['name']}=").status_code
                answers[path, parameter["name"]] = (parameter.get("allowEmptyValue", False), status)

    assert answers[("/api/posts/", "until")] == (True, 200)
    assert answers[("/api/users/", "page_size")] == (False, 400)
    assert {key for key, (allowed, status) in answers.items() if allowed != (status == 200)} == {
        # PageNumberPagination reads an empty page as the first one; the integer is not
        # documented as empty-able, which only makes the schema stricter than the API.
        ("/api/birthdays/today/", "page")
    }

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

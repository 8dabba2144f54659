import io

import pytest
from django.apps import apps


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/api/auth/signup", {"201", "400"}),
        ("/api/auth/login", {"200", "400", "401", "429"}),
        ("/api/auth/password/forgot", {"202", "400", "429"}),
        ("/api/auth/password/reset", {"204", "400", "429"}),
        ("/api/auth/refresh", {"200", "400", "401"}),
        ("/api/auth/logout", {"204", "400", "401"}),
    ],
)
def test_the_schema_names_the_error_statuses_a_client_must_handle(api_client, path, statuses):
    schema = api_client.get("/api/schema/?format=json").json()

    assert statuses <= set(schema["paths"][path]["post"]["responses"])


def _request_example(schema: dict, path: str) -> dict:
    content = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    (example,) = content["examples"].values()
    return example["value"]


@pytest.mark.django_db
def test_the_documented_login_and_signup_succeed_on_a_seeded_database(api_client):
    apps.get_app_config("users").seed_demo_data(stdout=io.StringIO())
    schema = api_client.get("/api/schema/?format=json").json()

    login = api_client.post("/api/auth/login", _request_example(schema, "/api/auth/login"))
    signup = api_client.post("/api/auth/signup", _request_example(schema, "/api/auth/signup"))

    assert login.status_code == 200
    assert signup.status_code == 201


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/auth/login", "401", "invalid_credentials"),
        ("/api/auth/login", "429", "throttled"),
        ("/api/auth/password/reset", "400", "invalid_code"),
        ("/api/auth/refresh", "401", "token_not_valid"),
    ],
)
def test_documented_errors_show_their_real_code(api_client, path, status, code):
    schema = api_client.get("/api/schema/?format=json").json()
    response = schema["paths"][path]["post"]["responses"][status]
    examples = response["content"]["application/json"]["examples"].values()

    assert [example["value"]["code"] for example in examples] == [code]

import pytest


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

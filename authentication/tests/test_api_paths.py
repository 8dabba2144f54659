import pytest

PATHS = ["signup", "login", "refresh", "logout", "me", "password/forgot", "password/reset"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
def test_the_paths_take_no_trailing_slash_and_never_redirect(api_client, path):
    for method in (api_client.get, api_client.post):
        response = method(f"/api/auth/{path}/")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/auth/", "/api/auth", "/api/auth/password"])
def test_the_account_routes_add_no_path_of_their_own(api_client, path):
    # The router's bare prefix would be djoser's "create": here it is /api/auth/signup only.
    assert api_client.post(path, {}).status_code == 404


def test_the_account_paths_are_those_of_the_contract(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    operations = {
        (path, method): operation["operationId"]
        for path, item in schema["paths"].items()
        if path.startswith("/api/auth/")
        for method, operation in item.items()
    }
    assert operations == {
        ("/api/auth/signup", "post"): "auth_signup",
        ("/api/auth/login", "post"): "auth_login",
        ("/api/auth/refresh", "post"): "auth_refresh",
        ("/api/auth/logout", "post"): "auth_logout",
        ("/api/auth/me", "get"): "auth_me_read",
        ("/api/auth/me", "patch"): "auth_me_update",
        ("/api/auth/password/forgot", "post"): "auth_password_forgot",
        ("/api/auth/password/reset", "post"): "auth_password_reset",
    }

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken


def refresh(client: APIClient, token: str):
    return client.post("/api/auth/refresh", {"refresh": token})


def test_a_refresh_token_buys_a_new_pair_that_works(api_client, alice, log_in):
    session = log_in("alice")

    response = refresh(api_client, session["refresh"])

    assert response.status_code == 200
    pair = response.json()
    assert set(pair) == {"access", "refresh"}
    assert pair["refresh"] != session["refresh"]
    me = APIClient().get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert me.status_code == 200
    assert refresh(api_client, pair["refresh"]).status_code == 200


def test_a_stolen_refresh_token_that_was_already_rotated_is_refused(api_client, alice, log_in):
    stolen = log_in("alice")["refresh"]
    assert refresh(api_client, stolen).status_code == 200

    response = refresh(api_client, stolen)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_garbage_refresh_token_is_refused(api_client, db):
    assert refresh(api_client, "garbage").status_code == 401


def test_an_access_token_is_not_a_refresh_token(api_client, alice, log_in):
    assert refresh(api_client, log_in("alice")["access"]).status_code == 401


def test_a_logged_out_refresh_token_is_refused(api_client, alice, log_in):
    session = log_in("alice")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session['access']}")

    response = client.post("/api/auth/logout", {"refresh": session["refresh"]})

    assert response.status_code == 204
    assert refresh(api_client, session["refresh"]).status_code == 401


def test_logging_out_twice_is_fine(client_for, alice, log_in):
    session = log_in("alice")
    client = client_for(alice)
    client.post("/api/auth/logout", {"refresh": session["refresh"]})

    assert client.post("/api/auth/logout", {"refresh": session["refresh"]}).status_code == 204


def test_logging_out_needs_an_account(api_client, alice, log_in):
    session = log_in("alice")

    response = api_client.post("/api/auth/logout", {"refresh": session["refresh"]})

    assert response.status_code == 401
    assert refresh(api_client, session["refresh"]).status_code == 200


def test_nobody_can_log_out_the_session_of_another_account(
    api_client, client_for, alice, bob, log_in
):
    session = log_in("alice")

    response = client_for(bob).post("/api/auth/logout", {"refresh": session["refresh"]})

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["refresh"]
    assert refresh(api_client, session["refresh"]).status_code == 200


def test_logging_out_one_session_keeps_the_others(api_client, client_for, alice, log_in):
    laptop, phone = log_in("alice"), log_in("alice")

    client_for(alice).post("/api/auth/logout", {"refresh": laptop["refresh"]})

    assert refresh(api_client, phone["refresh"]).status_code == 200


def test_an_access_token_of_a_deactivated_account_is_refused(client_for, alice):
    client = client_for(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    response = client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json() == {
        "status": 401,
        "code": "authentication_failed",
        "detail": "User is inactive",
        "fields": {},
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_access_token_of_a_deleted_account_is_refused(client_for, alice):
    client = client_for(alice)
    alice.delete()

    response = client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["detail"] == "User not found"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.django_db
def test_an_access_token_naming_no_account_is_refused(api_client):
    token = AccessToken()  # signed, valid, but without the user id claim

    response = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'

import re

import pytest

from users.tests.factories import DEFAULT_PASSWORD


@pytest.fixture
def log_in(api_client):
    """``log_in("alice")``: the JSON body of a successful login."""

    def post(login: str, password: str = DEFAULT_PASSWORD) -> dict:
        response = api_client.post("/api/auth/login", {"login": login, "password": password})
        assert response.status_code == 200, response.content
        return response.json()

    return post


@pytest.fixture
def request_reset_code(api_client, mailoutbox, django_capture_on_commit_callbacks):
    """``request_reset_code(email)``: the code mailed by the forgot endpoint."""

    def request(email: str) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post("/api/auth/password/forgot", {"email": email})
        assert response.status_code == 202
        return re.search(r"\b(\d{6})\b", mailoutbox[-1].body).group(1)

    return request

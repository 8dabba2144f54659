import pytest
from django.test import Client

from authentication.services import password_reset_request
from users.tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture
def boss_client(db) -> Client:
    UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.login(username="boss", password=DEFAULT_PASSWORD)
    return client


def test_staff_see_reset_codes_without_their_hash(boss_client, alice):
    password_reset_request(email="alice@example.com")

    response = boss_client.get("/admin/authentication/passwordresetcode/", {"q": "alice"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    code = response.context["cl"].result_list[0]
    detail = boss_client.get(f"/admin/authentication/passwordresetcode/{code.pk}/change/")
    assert detail.status_code == 200
    assert code.code_hash not in detail.content.decode()


def test_nobody_adds_a_reset_code_in_the_admin(boss_client):
    assert boss_client.get("/admin/authentication/passwordresetcode/add/").status_code == 403

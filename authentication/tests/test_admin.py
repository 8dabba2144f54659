import pytest
from django.contrib.auth.models import Permission
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from authentication.services import password_reset_request, token_pair_issue


def test_staff_see_reset_codes_without_their_hash(admin_client, alice):
    password_reset_request(email="alice@example.com")

    response = admin_client.get("/admin/authentication/passwordresetcode/", {"q": "alice"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    code = response.context["cl"].result_list[0]
    detail = admin_client.get(f"/admin/authentication/passwordresetcode/{code.pk}/change/")
    assert detail.status_code == 200
    assert code.code_hash not in detail.content.decode()


def test_nobody_adds_a_reset_code_in_the_admin(admin_client):
    assert admin_client.get("/admin/authentication/passwordresetcode/add/").status_code == 403


@pytest.fixture
def staff_with_every_permission(client, staff):
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", ["outstandingtoken", "blacklistedtoken"])
def test_refresh_tokens_are_hidden_from_staff_whatever_their_permissions(
    staff_with_every_permission, alice, model
):
    RefreshToken.for_user(alice)

    listing = staff_with_every_permission.get(f"/admin/token_blacklist/{model}/")
    index = staff_with_every_permission.get("/admin/")

    assert listing.status_code == 403
    assert "token_blacklist" not in index.content.decode()


@pytest.mark.parametrize("model", ["outstandingtoken", "blacklistedtoken"])
def test_superusers_see_the_refresh_tokens(admin_client, model):
    assert admin_client.get(f"/admin/token_blacklist/{model}/").status_code == 200


def test_an_issued_token_is_shown_with_no_save_button(admin_client, alice):
    token_pair_issue(user=alice)
    token = OutstandingToken.objects.get(user=alice)

    page = admin_client.get(f"/admin/token_blacklist/outstandingtoken/{token.pk}/change/")

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()

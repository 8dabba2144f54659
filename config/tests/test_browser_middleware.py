"""Sessions, CSRF and messages serve the admin; API requests go without them."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_with_password(staff):
    staff.set_password("correct horse battery")
    staff.save()
    return staff


def csrf_token_of(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_staff_log_in_to_the_admin_through_its_form_with_csrf_checks_on(staff_with_password):
    browser = Client(enforce_csrf_checks=True)
    form = browser.get("/admin/login/")

    response = browser.post(
        "/admin/login/?next=/admin/",
        {
            "username": "staff",
            "password": "correct horse battery",
            "csrfmiddlewaretoken": csrf_token_of(form.content.decode()),
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert browser.get("/admin/").status_code == 200


def test_a_login_form_posted_without_its_csrf_token_is_refused(staff_with_password):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/admin/login/")

    response = browser.post(
        "/admin/login/", {"username": "staff", "password": "correct horse battery"}
    )

    assert response.status_code == 403


def test_an_api_request_loads_no_session_and_sets_no_cookie(
    staff_with_password, django_assert_num_queries
):
    browser = Client()
    browser.force_login(staff_with_password)

    # The admin's session cookie does not log anyone in to the API: bearer tokens do.
    with django_assert_num_queries(0):
        response = browser.get("/api/auth/me")

    assert response.status_code == 401
    assert set(response.cookies) == set()

"""The user list's rows, written out, give exactly what its serializer gives."""

import pytest
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory

from users.models import User
from users.selectors import user_list
from users.serializers import UserListSerializer, user_list_row_data
from users.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("viewer_name", ["anonymous", "alice", "staff"])
def test_a_user_list_row_shows_as_the_list_serializer_does(alice, staff, viewer_name):
    UserFactory(first_name="", last_name="Solo", email="")
    UserFactory(first_name="Ann", last_name="", user_type="brand")
    viewer = {"anonymous": AnonymousUser(), "alice": alice, "staff": staff}[viewer_name]
    request = APIRequestFactory().get("/api/users/")
    request.user = viewer

    rows = list(user_list().order_by("id"))
    users = list(User.objects.filter(pk__in=[row["id"] for row in rows]).order_by("id"))

    assert [user_list_row_data(row, viewer=viewer) for row in rows] == (
        UserListSerializer(users, many=True, context={"request": request}).data
    )

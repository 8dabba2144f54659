"""Every list parses its query with a serializer, answering what django-filter answered
before (the words of each message are part of the contract)."""

import pytest


@pytest.mark.parametrize(
    ("path", "query", "fields"),
    [
        (
            "/api/users/",
            {"user_type": "robot"},
            {"user_type": ["Select a valid choice. robot is not one of the available choices."]},
        ),
        (
            "/api/users/",
            {"q": "a" * 151},
            {"q": ["Ensure this value has at most 150 characters (it has 151)."]},
        ),
        ("/api/users/", {"q": "a\x00"}, {"q": ["Null characters are not allowed."]}),
        (
            "/api/orders/",
            {"status": "eaten"},
            {"status": ["Select a valid choice. eaten is not one of the available choices."]},
        ),
        ("/api/pizzas/", {"name": "x\x00"}, {"name": ["Null characters are not allowed."]}),
        (
            "/api/pizzas/",
            {"ingredient": "x\x00"},
            {"ingredient": ["Null characters are not allowed."]},
        ),
    ],
)
def test_an_invalid_filter_is_a_400_on_its_field(client_for, staff, path, query, fields):
    response = client_for(staff).get(path, query)

    assert response.status_code == 400
    assert response.json()["fields"] == fields


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/users/", {"user_type": ""}),
        ("/api/orders/", {"status": ""}),
        ("/api/pizzas/", {"name": ""}),
    ],
)
def test_an_empty_filter_is_no_filter(client_for, staff, path, query):
    assert client_for(staff).get(path, query).status_code == 200

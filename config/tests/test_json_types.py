"""A value of another JSON type than the schema documents is a 400, never read leniently."""

import pytest


@pytest.mark.django_db
class TestStrings:
    def test_a_number_for_a_name_is_a_400(self, client_for, alice):
        response = client_for(alice).patch("/api/auth/me", {"last_name": 0}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"] == {"last_name": ["Not a valid string."]}

    def test_a_number_for_post_content_is_a_400_and_posts_nothing(self, client_for, alice):
        response = client_for(alice).post("/api/posts/", {"content": 7}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"] == {"content": ["Not a valid string."]}

    def test_a_string_is_still_a_string(self, client_for, alice):
        response = client_for(alice).patch("/api/auth/me", {"last_name": "0"}, format="json")
        assert response.status_code == 200
        assert response.json()["last_name"] == "0"


@pytest.mark.django_db
class TestIntegers:
    @pytest.mark.parametrize("quantity", ["2", True, 2.5])
    def test_a_quantity_that_is_not_a_json_integer_is_a_400(self, api_client, quantity):
        body = {"items": [{"pizza": 1, "quantity": quantity}]}
        response = api_client.post("/api/orders/", body, format="json")
        assert response.status_code == 400
        assert response.json()["fields"]["items.0.quantity"] == ["A valid integer is required."]

    def test_a_string_id_to_repost_is_a_400(self, client_for, alice):
        response = client_for(alice).post("/api/posts/", {"repost_of": "1"}, format="json")
        assert response.status_code == 400
        assert response.json()["fields"] == {"repost_of": ["A valid integer is required."]}

"""The menu: GET /api/pizzas/, /api/pizzas/{id}/ and /api/pizzas/{id}/extras/."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from orders.models import Ingredient, PizzaExtra
from orders.tests.factories import PizzaFactory

URL = "/api/pizzas/"


@pytest.mark.django_db
class TestTheMenu:
    def test_anyone_reads_the_menu_with_prices_as_strings(self, api_client, menu):
        response = api_client.get(URL)

        assert response.status_code == 200
        assert response.json()["results"] == [
            {
                "id": menu.margherita.pk,
                "name": "Margherita",
                "price": "11.90",
                "ingredients": ["cheese", "tomato"],
                "image": None,
            },
            {
                "id": menu.meaty.pk,
                "name": "Meaty",
                "price": "16.90",
                "ingredients": ["bacon", "ham", "tomato"],
                "image": None,
            },
        ]

    @pytest.mark.parametrize("path", ["", "{id}/", "{id}/extras/"])
    def test_a_stale_bearer_token_does_not_get_in_the_way_of_the_menu(self, api_client, menu, path):
        api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.forged")

        response = api_client.get(URL + path.format(id=menu.margherita.pk))

        assert response.status_code == 200

    def test_the_image_is_an_absolute_url(self, api_client, menu):
        menu.margherita.image.save("margherita.jpg", ContentFile(b"jpeg"), save=True)

        response = api_client.get(f"{URL}{menu.margherita.pk}/")

        assert response.json()["image"].startswith("http://testserver/media/pizzas/margherita")

    def test_it_filters_by_part_of_the_name(self, api_client, menu):
        response = api_client.get(URL, {"name": "marg"})

        assert [pizza["name"] for pizza in response.json()["results"]] == ["Margherita"]

    def test_it_filters_by_ingredient_ignoring_case(self, api_client, menu):
        response = api_client.get(URL, {"ingredient": "Bacon"})

        assert [pizza["name"] for pizza in response.json()["results"]] == ["Meaty"]

    def test_a_pizza_taken_off_the_menu_is_not_shown(self, api_client, menu):
        menu.meaty.is_available = False
        menu.meaty.save()

        names = [pizza["name"] for pizza in api_client.get(URL).json()["results"]]

        assert names == ["Margherita"]
        assert api_client.get(f"{URL}{menu.meaty.pk}/").status_code == 404

    def test_it_shows_one_pizza(self, api_client, menu):
        response = api_client.get(f"{URL}{menu.meaty.pk}/")

        assert response.status_code == 200
        assert response.json()["name"] == "Meaty"

    def test_an_unknown_pizza_is_not_found(self, api_client, menu):
        response = api_client.get(f"{URL}999/")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_an_id_too_large_for_the_database_is_not_found(self, api_client, menu):
        assert api_client.get(f"{URL}{10**20}/").status_code == 404
        assert api_client.get(f"{URL}{10**20}/extras/").status_code == 404

    def test_the_extras_of_a_pizza_cost_nothing_where_free_on_it(self, api_client, menu):
        response = api_client.get(f"{URL}{menu.margherita.pk}/extras/")

        assert response.status_code == 200
        assert response.json() == [
            {"id": menu.ham.pk, "name": "ham", "price": "2.00"},
            {"id": menu.onion.pk, "name": "onion", "price": "0.00"},
        ]

    def test_the_extras_of_an_unknown_pizza_are_not_found(self, api_client, menu):
        assert api_client.get(f"{URL}999/extras/").status_code == 404

    def test_a_pizza_without_extras_offers_none(self, api_client, menu):
        plain = PizzaFactory(name="Plain")

        response = api_client.get(f"{URL}{plain.pk}/extras/")

        assert response.status_code == 200
        assert response.json() == []

    def test_the_extras_cost_one_query_when_not_cached(
        self, api_client, menu, django_assert_num_queries
    ):
        with django_assert_num_queries(1):
            api_client.get(f"{URL}{menu.meaty.pk}/extras/")


@pytest.mark.django_db
class TestTheMenuCache:
    def test_a_cached_menu_costs_no_query(self, api_client, menu, django_assert_num_queries):
        api_client.get(URL)
        api_client.get(f"{URL}{menu.meaty.pk}/extras/")

        with django_assert_num_queries(0):
            listed = api_client.get(URL)
            extras = api_client.get(f"{URL}{menu.meaty.pk}/extras/")

        assert len(listed.json()["results"]) == 2
        assert len(extras.json()) == 2

    def test_a_price_change_shows_at_once(
        self, api_client, menu, django_capture_on_commit_callbacks
    ):
        api_client.get(URL)

        with django_capture_on_commit_callbacks(execute=True):
            menu.margherita.price = Decimal("12.50")
            menu.margherita.save()

        assert api_client.get(URL).json()["results"][0]["price"] == "12.50"

    def test_a_new_extra_on_offer_shows_at_once(self, api_client, menu):
        url = f"{URL}{menu.margherita.pk}/extras/"
        api_client.get(url)

        PizzaExtra.objects.create(pizza=menu.margherita, extra=menu.cheese, is_free=True)

        assert {"id": menu.cheese.pk, "name": "cheese", "price": "0.00"} in (
            api_client.get(url).json()
        )

    def test_an_extra_price_change_shows_at_once(self, api_client, menu):
        url = f"{URL}{menu.meaty.pk}/extras/"
        api_client.get(url)

        menu.ham.price = Decimal("2.20")
        menu.ham.save()

        assert api_client.get(url).json()[1]["price"] == "2.20"

    def test_renamed_and_removed_ingredients_show_at_once(self, api_client, menu):
        api_client.get(URL)

        Ingredient.objects.filter(name="bacon").get().delete()
        menu.margherita.ingredients.add(Ingredient.objects.create(name="basil"))

        pizzas = api_client.get(URL).json()["results"]
        assert [pizza["ingredients"] for pizza in pizzas] == [
            ["basil", "cheese", "tomato"],
            ["ham", "tomato"],
        ]

    def test_staff_deleting_a_pizza_in_the_admin_refreshes_the_menu(
        self, client, admin_user, menu, api_client, django_capture_on_commit_callbacks
    ):
        api_client.get(URL)
        client.force_login(admin_user)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"/admin/orders/pizza/{menu.meaty.pk}/delete/", {"post": "yes"})

        assert response.status_code == 302

        assert [pizza["name"] for pizza in api_client.get(URL).json()["results"]] == ["Margherita"]


@pytest.mark.django_db
def test_the_menu_stays_within_its_query_budget_when_not_cached(
    api_client, django_assert_max_num_queries
):
    for number in range(25):
        PizzaFactory(ingredients=["tomato", f"topping {number}"])

    # The page of pizzas and their ingredients.
    with django_assert_max_num_queries(2):
        response = api_client.get(URL)

    assert len(response.json()["results"]) == 20

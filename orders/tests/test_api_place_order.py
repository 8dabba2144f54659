"""POST /api/orders/: placing an order, its validation and its Idempotency-Key."""

import uuid

import pytest

from orders.models import Order
from orders.throttles import AnonymousOrderIPThrottle

URL = "/api/orders/"


@pytest.mark.django_db
class TestPlacingAnOrder:
    def test_anyone_may_order_and_gets_the_whole_order_back(self, api_client, order_body, menu):
        response = api_client.post(URL, order_body())

        assert response.status_code == 201
        body = response.json()
        assert body["status"] == "received"
        assert body["total"] == "27.80"
        assert body["phone"] == "+36301234567"
        assert body["delivery_address"]["city"] == "Budapest"
        assert body["items"] == [
            {
                "pizza": menu.margherita.pk,
                "pizza_name": "Margherita",
                "quantity": 2,
                "unit_price": "11.90",
                "extras": [
                    {"extra": menu.ham.pk, "extra_name": "ham", "quantity": 1, "unit_price": "2.00"}
                ],
                "line_total": "27.80",
            }
        ]
        assert [step["to_status"] for step in body["history"]] == ["received"]
        assert Order.objects.get(pk=body["id"]).user is None

    def test_an_order_from_a_logged_in_customer_is_linked_to_them(
        self, client_for, alice, order_body
    ):
        response = client_for(alice).post(URL, order_body())

        assert response.status_code == 201
        assert Order.objects.get(pk=response.json()["id"]).user == alice

    def test_prices_sent_by_the_client_are_ignored(self, api_client, order_body, menu):
        body = order_body(total="0.01")
        body["items"][0].update(unit_price="0.01", line_total="0.01")
        body["items"][0]["extras"][0]["unit_price"] = "0.00"

        response = api_client.post(URL, body)

        assert response.status_code == 201
        assert response.json()["total"] == "27.80"

    def test_the_total_adds_every_line_with_its_extras_and_free_extras_cost_nothing(
        self, api_client, order_body, menu
    ):
        items = [
            {
                "pizza": menu.margherita.pk,
                "quantity": 3,
                "extras": [{"extra": menu.onion.pk, "quantity": 2}],
            },
            {
                "pizza": menu.meaty.pk,
                "quantity": 2,
                "extras": [
                    {"extra": menu.ham.pk, "quantity": 2},
                    {"extra": menu.cheese.pk, "quantity": 1},
                ],
            },
        ]

        response = api_client.post(URL, order_body(items=items))

        body = response.json()
        # 3 x 11.90 (onion free) + 2 x (16.90 + 2 x 2.00 + 1.40)
        assert [item["line_total"] for item in body["items"]] == ["35.70", "44.60"]
        assert body["items"][0]["extras"][0]["unit_price"] == "0.00"
        assert body["total"] == "80.30"

    def test_a_local_phone_number_is_read_in_the_delivery_country(self, api_client, order_body):
        response = api_client.post(URL, order_body(phone="06 30 123 4567"))

        assert response.status_code == 201
        assert response.json()["phone"] == "+36301234567"

    def test_apartment_and_note_are_optional(self, api_client, order_body):
        body = order_body()
        del body["note"], body["delivery_address"]["apartment"]

        response = api_client.post(URL, body)

        assert response.status_code == 201
        assert response.json()["note"] == ""
        assert response.json()["delivery_address"]["apartment"] == ""


def _errors(response) -> dict:
    assert response.status_code == 400, response.content
    assert Order.objects.count() == 0
    return response.json()["fields"]


@pytest.mark.django_db
class TestAnInvalidOrder:
    def test_it_names_an_unknown_pizza(self, api_client, order_body):
        response = api_client.post(URL, order_body(items=[{"pizza": 999, "quantity": 1}]))

        assert _errors(response) == {"items.0.pizza": ["No pizza with id 999 on the menu."]}

    def test_a_pizza_taken_off_the_menu_cannot_be_ordered(self, api_client, order_body, menu):
        menu.margherita.is_available = False
        menu.margherita.save()

        response = api_client.post(URL, order_body())

        assert "items.0.pizza" in _errors(response)

    def test_an_id_too_large_for_the_database_is_invalid_not_an_error(self, api_client, order_body):
        response = api_client.post(URL, order_body(items=[{"pizza": 10**20, "quantity": 1}]))

        assert list(_errors(response)) == ["items.0.pizza"]

    def test_it_names_an_unknown_extra(self, api_client, order_body, menu):
        items = [{"pizza": menu.meaty.pk, "quantity": 1, "extras": [{"extra": 999, "quantity": 1}]}]

        response = api_client.post(URL, order_body(items=items))

        assert _errors(response) == {"items.0.extras.0.extra": ["No extra with id 999."]}

    def test_it_rejects_an_extra_not_offered_for_that_pizza(self, api_client, order_body, menu):
        items = [
            {
                "pizza": menu.margherita.pk,
                "quantity": 1,
                "extras": [
                    {"extra": menu.ham.pk, "quantity": 1},
                    {"extra": menu.cheese.pk, "quantity": 1},
                ],
            }
        ]

        response = api_client.post(URL, order_body(items=items))

        assert _errors(response) == {
            "items.0.extras.1.extra": ["cheese is not offered for Margherita."]
        }

    def test_it_rejects_the_same_extra_twice_on_one_item(self, api_client, order_body, menu):
        twice = [{"extra": menu.ham.pk, "quantity": 1}] * 2
        items = [{"pizza": menu.meaty.pk, "quantity": 1, "extras": twice}]

        response = api_client.post(URL, order_body(items=items))

        assert list(_errors(response)) == ["items.0.extras.1.extra"]

    @pytest.mark.parametrize("quantity", [0, 21, -1])
    def test_it_rejects_a_pizza_quantity_outside_1_to_20(self, api_client, order_body, quantity):
        body = order_body()
        body["items"][0]["quantity"] = quantity

        assert list(_errors(api_client.post(URL, body))) == ["items.0.quantity"]

    @pytest.mark.parametrize("quantity", [0, 6])
    def test_it_rejects_an_extra_quantity_outside_1_to_5(self, api_client, order_body, quantity):
        body = order_body()
        body["items"][0]["extras"][0]["quantity"] = quantity

        assert list(_errors(api_client.post(URL, body))) == ["items.0.extras.0.quantity"]

    def test_it_rejects_more_than_20_extras_on_an_item(self, api_client, order_body, menu):
        extras = [{"extra": menu.ham.pk, "quantity": 1}] * 21
        items = [{"pizza": menu.margherita.pk, "quantity": 1, "extras": extras}]

        errors = _errors(api_client.post(URL, order_body(items=items)))

        assert errors == {"items.0.extras": ["At most 20 extras per item."]}

    def test_items_and_address_of_the_wrong_type_are_named_by_their_own_path(
        self, api_client, order_body
    ):
        body = order_body(items="pizza", delivery_address=["Budapest"])

        errors = _errors(api_client.post(URL, body))

        assert set(errors) == {"items", "delivery_address"}

    def test_it_rejects_an_order_without_items(self, api_client, order_body):
        assert list(_errors(api_client.post(URL, order_body(items=[])))) == ["items"]

    def test_it_rejects_more_than_50_items(self, api_client, order_body, menu):
        items = [{"pizza": menu.meaty.pk, "quantity": 1}] * 51

        assert list(_errors(api_client.post(URL, order_body(items=items)))) == ["items"]

    @pytest.mark.parametrize("field", ["customer_name", "phone", "delivery_address", "items"])
    def test_it_names_a_missing_field(self, api_client, order_body, field):
        body = order_body()
        del body[field]

        assert _errors(api_client.post(URL, body)) == {field: ["This field is required."]}

    @pytest.mark.parametrize("phone", ["not a phone", "+36 1", "+1 555 000 0000", "12"])
    def test_it_rejects_a_phone_number_that_does_not_exist(self, api_client, order_body, phone):
        assert list(_errors(api_client.post(URL, order_body(phone=phone)))) == ["phone"]

    @pytest.mark.parametrize("part", ["street", "house_number", "postal_code", "city", "country"])
    def test_it_names_a_missing_part_of_the_address(self, api_client, order_body, part):
        body = order_body()
        del body["delivery_address"][part]

        errors = _errors(api_client.post(URL, body))

        assert errors == {f"delivery_address.{part}": ["This field is required."]}

    def test_it_rejects_a_country_that_is_not_an_iso_code(self, api_client, order_body):
        body = order_body()
        body["delivery_address"]["country"] = "Hungary"

        assert list(_errors(api_client.post(URL, body))) == ["delivery_address.country"]

    def test_a_wrong_phone_number_is_reported_with_the_other_broken_fields(
        self, api_client, order_body
    ):
        body = order_body(customer_name="", phone="12")
        del body["delivery_address"]["city"]

        errors = _errors(api_client.post(URL, body))

        assert set(errors) == {"customer_name", "phone", "delivery_address.city"}

    def test_a_form_encoded_order_is_refused_as_unsupported(self, api_client, order_body):
        response = api_client.post(URL, {"customer_name": "Alice"}, format="multipart")

        assert response.status_code == 415
        assert response.json()["code"] == "unsupported_media_type"

    def test_a_local_phone_number_is_not_blamed_for_a_wrong_country(self, api_client, order_body):
        body = order_body(phone="06 30 123 4567")
        body["delivery_address"]["country"] = "Hungary"

        assert list(_errors(api_client.post(URL, body))) == ["delivery_address.country"]

    def test_an_international_phone_number_is_checked_whatever_the_country(
        self, api_client, order_body
    ):
        body = order_body(phone="+36 1")
        body["delivery_address"]["country"] = "Hungary"

        errors = _errors(api_client.post(URL, body))

        assert set(errors) == {"phone", "delivery_address.country"}

    def test_it_reports_every_broken_rule_at_once(self, api_client, order_body, menu):
        items = [
            {"pizza": 999, "quantity": 1},
            {"pizza": menu.margherita.pk, "quantity": 1, "extras": [{"extra": 998, "quantity": 1}]},
        ]

        errors = _errors(api_client.post(URL, order_body(items=items)))

        assert set(errors) == {"items.0.pizza", "items.1.extras.0.extra"}


@pytest.mark.django_db
class TestIdempotencyKey:
    def test_a_retry_with_the_same_key_returns_the_first_order(self, api_client, order_body):
        key = str(uuid.uuid4())

        first = api_client.post(URL, order_body(), HTTP_IDEMPOTENCY_KEY=key)
        retry = api_client.post(URL, order_body(), HTTP_IDEMPOTENCY_KEY=key)

        assert (first.status_code, retry.status_code) == (201, 200)
        assert retry.json() == first.json()
        assert Order.objects.count() == 1

    def test_the_same_key_with_a_different_body_is_a_conflict(self, api_client, order_body):
        key = str(uuid.uuid4())
        api_client.post(URL, order_body(), HTTP_IDEMPOTENCY_KEY=key)

        response = api_client.post(URL, order_body(note="Other"), HTTP_IDEMPOTENCY_KEY=key)

        assert response.status_code == 409
        assert response.json()["code"] == "idempotency_key_reused"
        assert Order.objects.count() == 1

    def test_another_account_cannot_replay_someone_elses_key(
        self, client_for, alice, carol, order_body
    ):
        key = str(uuid.uuid4())
        client_for(alice).post(URL, order_body(), HTTP_IDEMPOTENCY_KEY=key)

        response = client_for(carol).post(URL, order_body(), HTTP_IDEMPOTENCY_KEY=key)

        assert response.status_code == 409

    def test_without_a_key_every_post_is_a_new_order(self, api_client, order_body):
        api_client.post(URL, order_body())
        api_client.post(URL, order_body())

        assert Order.objects.count() == 2

    def test_a_key_longer_than_255_characters_is_rejected(self, api_client, order_body):
        response = api_client.post(URL, order_body(), HTTP_IDEMPOTENCY_KEY="k" * 256)

        assert list(_errors(response)) == ["Idempotency-Key"]


@pytest.mark.django_db
def test_placing_an_order_stays_within_its_query_budget(
    api_client, order_body, menu, django_assert_max_num_queries
):
    items = [
        {"pizza": pizza.pk, "quantity": 1, "extras": [{"extra": menu.ham.pk, "quantity": 1}]}
        for pizza in (menu.margherita, menu.meaty) * 10
    ]
    # Lookup of the key, 3 menu reads, savepoint, 4 inserts, history, 4 reads back.
    with django_assert_max_num_queries(16):
        response = api_client.post(URL, order_body(items=items), HTTP_IDEMPOTENCY_KEY="budget")

    assert response.status_code == 201


@pytest.mark.django_db
def test_a_retry_with_the_phone_written_differently_is_still_the_same_order(api_client, order_body):
    first = api_client.post(URL, order_body(phone="+36 30 123 4567"), HTTP_IDEMPOTENCY_KEY="k1")
    retry = api_client.post(URL, order_body(phone="06301234567"), HTTP_IDEMPOTENCY_KEY="k1")

    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json()["id"] == first.json()["id"]


def test_anonymous_orders_are_throttled_per_ip_and_customers_are_not(
    api_client, client_for, alice, order_body, monkeypatch
):
    monkeypatch.setattr(AnonymousOrderIPThrottle, "rate", "2/hour", raising=False)
    for _ in range(2):
        assert api_client.post("/api/orders/", order_body()).status_code == 201

    refused = api_client.post("/api/orders/", order_body())
    other_ip = api_client.post("/api/orders/", order_body(), REMOTE_ADDR="10.0.0.9")
    customer = client_for(alice).post("/api/orders/", order_body())

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert (other_ip.status_code, customer.status_code) == (201, 201)


def test_the_anonymous_order_limit_is_thirty_an_hour_by_default():
    assert AnonymousOrderIPThrottle().rate == "30/hour"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer_name": "B" * 100 + " "}, "customer_name"),
        ({"note": "n" * 500 + "\n"}, "note"),
    ],
)
def test_a_text_over_its_limit_by_whitespace_alone_is_refused(
    api_client, order_body, changes, field
):
    response = api_client.post("/api/orders/", order_body(**changes), format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
def test_an_address_line_over_its_limit_by_whitespace_alone_is_refused(api_client, order_body):
    body = order_body()
    limit = Order._meta.get_field("street").max_length
    body["delivery_address"]["street"] = " " + "S" * limit

    response = api_client.post("/api/orders/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["delivery_address.street"]

"""Every paginated list takes ``?page_size=`` the same way: 1 to 100, or a 400."""

import pytest

from config.api.pagination import INVALID_PAGE_SIZE

PAGINATED_LISTS = [
    "/api/users/",
    "/api/birthdays/today/",
    "/api/users/alice/followers/",
    "/api/users/alice/following/",
    "/api/posts/",
    "/api/pizzas/",
    "/api/orders/",
    "/api/records/",
]


@pytest.mark.parametrize("path", PAGINATED_LISTS)
@pytest.mark.parametrize("page_size", ["0", "-1", "101", "1000000000000000000000", "x", "1.5", ""])
def test_a_page_size_that_is_not_a_whole_number_from_1_to_100_is_a_400(
    client_for, alice, staff, path, page_size
):
    response = client_for(staff).get(path, {"page_size": page_size})

    assert response.status_code == 400
    assert response.json() == {
        "status": 400,
        "code": "invalid",
        "detail": "Invalid input.",
        "fields": {"page_size": [INVALID_PAGE_SIZE]},
    }


@pytest.mark.parametrize("path", PAGINATED_LISTS)
@pytest.mark.parametrize("page_size", ["1", "100"])
def test_a_page_size_from_1_to_100_is_taken(client_for, alice, staff, path, page_size):
    assert client_for(staff).get(path, {"page_size": page_size}).status_code == 200


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_the_schema_says_a_page_holds_1_to_100_results(api_client, path):
    schema = api_client.get("/api/schema/?format=json").json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"][path.replace("alice", "{username}")]["get"]["parameters"]
    }

    assert parameters["page_size"]["schema"]["minimum"] == 1
    assert parameters["page_size"]["schema"]["maximum"] == 100

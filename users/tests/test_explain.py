"""On 100k accounts, a search of the user list is served by the trigram indexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.usefixtures("tables_vacuumed_afterwards")

USERS = 100_000


def generate_accounts() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO users_user (password, is_superuser, first_name, last_name, is_staff,
                is_active, date_joined, username, user_type, followers_count,
                following_count, posts_count)
            SELECT '!', false, (ARRAY['Ada', 'Bela', 'Cleo', 'Dora'])[1 + i %% 4],
                'Name' || (i %% 997), false, true, now() - i * interval '1 minute',
                'searched' || i, 'person', 0, 0, 0
            FROM generate_series(1, %s) AS i
            """,
            [USERS],
        )
        cursor.execute("ANALYZE users_user")


@pytest.mark.services
@pytest.mark.django_db
def test_a_search_for_a_rare_name_uses_the_trigram_indexes_on_100k_users(api_client):
    generate_accounts()

    with CaptureQueriesContext(connection) as captured:
        response = api_client.get("/api/users/?q=searched99999")
    assert [user["username"] for user in response.json()["results"]] == ["searched99999"]
    (sql,) = [query["sql"] for query in captured if 'FROM "users_user"' in query["sql"]]

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_username_trgm_idx" in plan, plan
    assert "Seq Scan on users_user" not in plan, plan

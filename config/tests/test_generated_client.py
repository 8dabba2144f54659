"""The typed client that `make client` generates from the schema, used as a customer would.

If the schema lies (a body format the API refuses, a status or a field it does not
document), the generated client fails here: on import, on a parse, or on a type.
"""

import importlib
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest

from config.tests.live_server import BASE_DIR

pytestmark = pytest.mark.services

PASSWORD = "Generated-client-1"


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> SimpleNamespace:
    """The generated package's modules, from a fresh `make client` into a temp dir."""
    client_dir = tmp_path_factory.mktemp("client")
    subprocess.run(
        ["make", "--no-print-directory", "client", f"CLIENT_DIR={client_dir}"],
        cwd=BASE_DIR,
        check=True,
        capture_output=True,
        timeout=300,
    )
    sys.path.insert(0, str(client_dir))
    try:
        modules = {
            name.rpartition(".")[2]: importlib.import_module(f"platform_api_client.{name}")
            for name in [
                "api.authentication.auth_signup",
                "api.social.api_posts_create",
                "api.social.api_posts_list",
                "api.social.api_users_follow_create",
                "api.orders.api_orders_create",
                "models",
            ]
        }
        modules["package"] = importlib.import_module("platform_api_client")
        yield SimpleNamespace(**modules)
    finally:
        sys.path.remove(str(client_dir))


@pytest.fixture(scope="module")
def pizza_id(live_gunicorn) -> int:
    code = (
        "from orders.models import Pizza;"
        "print(Pizza.objects.create(name='Client Margherita', price='11.90').pk)"
    )
    return int(live_gunicorn.manage("shell", "--verbosity=0", "-c", code))


def sign_up(api, live_gunicorn, name: str):
    """A new account through the client; its authenticated client and the session."""
    anonymous = api.package.Client(base_url=live_gunicorn.url, raise_on_unexpected_status=True)
    username = f"{name}{uuid.uuid4().hex[:6]}"
    body = api.models.SignupRequest(
        username=username, email=f"{username}@example.com", password=PASSWORD
    )
    session = api.auth_signup.sync(client=anonymous, body=body)
    assert isinstance(session, api.models.Session), session
    client = api.package.AuthenticatedClient(
        base_url=live_gunicorn.url, token=session.access, raise_on_unexpected_status=True
    )
    return client, session


def test_a_customer_signs_up_posts_follows_and_reads_the_following_feed(api, live_gunicorn):
    author, author_session = sign_up(api, live_gunicorn, "author")
    reader, _ = sign_up(api, live_gunicorn, "reader")

    post = api.api_posts_create.sync(
        client=author, body=api.models.PostCreateRequest(content="Fresh from the client")
    )
    assert isinstance(post, api.models.Post), post
    profile = api.api_users_follow_create.sync(author_session.user.username, client=reader)
    assert isinstance(profile, api.models.Profile), profile
    assert profile.is_following is True

    feed = api.api_posts_list.sync(client=reader, scope=api.models.ApiPostsListScope.FOLLOWING)

    assert isinstance(feed, api.models.PaginatedPostList), feed
    assert [(item.id, item.content, item.author.username) for item in feed.results] == [
        (post.id, "Fresh from the client", author_session.user.username)
    ]


def test_a_retried_order_with_the_same_idempotency_key_is_the_same_order(
    api, live_gunicorn, pizza_id
):
    client, _ = sign_up(api, live_gunicorn, "customer")
    body = api.models.OrderCreateRequest(
        customer_name="Client Customer",
        phone="+36 30 123 4567",
        delivery_address=api.models.DeliveryAddressRequest(
            street="Fő utca", house_number="1", postal_code="1011", city="Budapest", country="HU"
        ),
        items=[api.models.ItemChoiceRequest(pizza=pizza_id, quantity=2)],
    )
    key = str(uuid.uuid4())

    first = api.api_orders_create.sync_detailed(client=client, body=body, idempotency_key=key)
    retried = api.api_orders_create.sync_detailed(client=client, body=body, idempotency_key=key)

    assert isinstance(first.parsed, api.models.Order), first.parsed
    assert isinstance(retried.parsed, api.models.Order), retried.parsed
    assert retried.parsed.id == first.parsed.id
    assert retried.parsed.total == first.parsed.total == "23.80"


def test_an_error_is_parsed_as_the_error_model(api, live_gunicorn):
    author, _ = sign_up(api, live_gunicorn, "twice")
    original = api.api_posts_create.sync(
        client=author, body=api.models.PostCreateRequest(content="Worth two reposts")
    )
    repost = api.models.PostCreateRequest(repost_of=original.id)
    api.api_posts_create.sync(client=author, body=repost)

    error = api.api_posts_create.sync(client=author, body=repost)

    assert isinstance(error, api.models.Error), error
    assert (error.status, error.code) == (409, "already_reposted")
    assert error.fields.additional_properties == {}

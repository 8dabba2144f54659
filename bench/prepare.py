"""The endpoints the benchmark loads, on whatever data set is in the database.

Picks the readers from the data (the most followed account, the account that follows
the most, the one that posts the most, the customer and the patient with the most
orders and records, a staff account) and prints the endpoints as JSON, with an access
token where one is needed. Every list is there at page 1 and at page 50: the page-50
URL, with its cursor, is found by following the ``next`` links in-process (the Django
test client, as the reader); a list with fewer pages gives its deepest full one, and
the endpoint says which page it is. ``floor`` marks the endpoints bench/floor.py answers
too. It writes nothing, unless no account has a date of birth, for the greeting (then
the first one gets one).
"""

import json
import logging
import os
import sys
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()
# Not a line per request of the page-50 walk.
logging.disable(logging.INFO)

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from orders.models import Order  # noqa: E402
from records.models import Record  # noqa: E402
from social.models import Post  # noqa: E402
from users.models import User  # noqa: E402

DEEP_PAGE = 50


def most(queryset, field: str) -> User | None:
    row = (
        queryset.filter(**{f"{field}__isnull": False, f"{field}__is_staff": False})
        .values(field)
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return User.objects.get(pk=row[field]) if row else None


def token(user: User | None) -> str | None:
    return str(AccessToken.for_user(user)) if user else None


def deep(path: str, bearer: str | None) -> tuple[str, int]:
    """The URL of page DEEP_PAGE of a list, or of its deepest full page when it has fewer
    (a short last page, 3 rows where page 1 has 20, would flatter the small data set's
    side of the 1M/10k ratio), and that page's number."""
    client = Client(HTTP_HOST=os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1").split(",")[0])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}"} if bearer else {}
    page, previous, full = 1, None, None
    while page < DEEP_PAGE:
        response = client.get(path, **headers)
        if response.status_code != 200:
            raise SystemExit(f"prepare: {path} answered {response.status_code}")
        body = response.json()
        full = full or len(body["results"])
        if not body["next"]:
            if previous is not None and len(body["results"]) < full:
                return previous, page - 1
            break
        parts = urlsplit(body["next"])
        previous, path, page = path, f"{parts.path}?{parts.query}", page + 1
    return path, page


people = User.objects.filter(is_active=True, is_staff=False)
popular = people.order_by("-followers_count", "id").first()
heavy = people.order_by("-following_count", "id").first()
poster = people.order_by("-posts_count", "id").first()
staff = User.objects.filter(is_active=True, is_staff=True).order_by("id").first()
greeted = people.filter(date_of_birth__isnull=False).order_by("id").first()
if greeted is None:
    greeted = popular
    User.objects.filter(pk=greeted.pk).update(date_of_birth=date(1990, 5, 17))
customer = most(Order.objects, "user")
patient = most(Record.objects, "patient")
word = (heavy.first_name or heavy.username)[:5].lower()

# (name, path, token, floor): the floor answers the first page of the lists it has.
single = [
    ("hello", f"/hello/{greeted.username}", None, True),
    ("profile", f"/api/users/{popular.username}/", None, True),
    ("menu", "/api/pizzas/", None, True),
    ("health/live", "/health/live", None, True),
]
lists = [
    ("feed all/latest", "/api/posts/", None, True),
    ("feed all/trending", "/api/posts/?sort=trending", None, True),
    ("feed following/latest", "/api/posts/?scope=following", token(heavy), True),
    ("feed following/trending", "/api/posts/?scope=following&sort=trending", token(heavy), True),
    ("feed mine/latest", "/api/posts/?scope=mine", token(poster), False),
    ("feed mine/trending", "/api/posts/?scope=mine&sort=trending", token(poster), False),
    ("followers", f"/api/users/{popular.username}/followers/", None, True),
    ("following", f"/api/users/{heavy.username}/following/", None, True),
    ("users ?q=", f"/api/users/?q={word}", None, True),
    ("orders (customer)", "/api/orders/", token(customer), True),
    ("orders (staff, all)", "/api/orders/", token(staff), False),
    ("records (patient)", "/api/records/", token(patient), True),
    ("records (staff, all)", "/api/records/", token(staff), False),
]
endpoints = [
    {"name": name, "path": path, "token": bearer, "floor": floor, "page": None}
    for name, path, bearer, floor in single
]
for name, path, bearer, floor in lists:
    if bearer is None and name.startswith(("feed following", "feed mine", "orders", "records")):
        continue
    endpoints.append(
        {"name": f"{name} p1", "path": path, "token": bearer, "floor": floor, "page": 1}
    )
    deep_path, page = deep(path, bearer)
    endpoints.append(
        {
            "name": f"{name} p{DEEP_PAGE}",
            "path": deep_path,
            "token": bearer,
            "floor": False,
            "page": page,
        }
    )
json.dump(
    {
        "readers": {
            "popular": [popular.username, popular.followers_count],
            "heavy follower": [heavy.username, heavy.following_count],
            "poster": [poster.username, poster.posts_count],
            "customer": customer.username if customer else None,
            "patient": patient.username if patient else None,
            "staff": staff.username if staff else None,
        },
        "counts": {
            "users": User.objects.count(),
            "posts": Post.objects.count(),
            "orders": Order.objects.count(),
            "records": Record.objects.count(),
        },
        "deep_page": DEEP_PAGE,
        "endpoints": endpoints,
    },
    sys.stdout,
    indent=1,
)

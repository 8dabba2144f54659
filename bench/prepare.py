"""The endpoints the benchmark loads, on whatever data set is in the database.

Picks the readers from the data (the most followed account, the account that follows
the most, the customer and the patient with the most orders and records) and prints
the endpoints as JSON, with an access token where one is needed. It writes nothing,
unless no account has a date of birth, for the greeting (then the first one gets one).
"""

import json
import os
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db.models import Count  # noqa: E402
from rest_framework_simplejwt.tokens import AccessToken  # noqa: E402

from orders.models import Order  # noqa: E402
from records.models import Record  # noqa: E402
from social.models import Post  # noqa: E402
from users.models import User  # noqa: E402


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


people = User.objects.filter(is_active=True, is_staff=False)
popular = people.order_by("-followers_count", "id").first()
heavy = people.order_by("-following_count", "id").first()
greeted = people.filter(date_of_birth__isnull=False).order_by("id").first()
if greeted is None:
    greeted = popular
    User.objects.filter(pk=greeted.pk).update(date_of_birth=date(1990, 5, 17))
customer = most(Order.objects, "user")
patient = most(Record.objects, "patient")
word = (heavy.first_name or heavy.username)[:5].lower()

endpoints = [
    ("hello", f"/hello/{greeted.username}", None),
    ("profile", f"/api/users/{popular.username}/", None),
    ("followers", f"/api/users/{popular.username}/followers/", None),
    ("following", f"/api/users/{heavy.username}/following/", None),
    ("menu", "/api/pizzas/", None),
    ("feed latest", "/api/posts/", None),
    ("feed trending", "/api/posts/?sort=trending", None),
    ("feed following", "/api/posts/?scope=following", token(heavy)),
    ("users ?q=", f"/api/users/?q={word}", None),
    ("orders", "/api/orders/", token(customer)),
    ("records", "/api/records/", token(patient)),
    ("health/live", "/health/live", None),
]
json.dump(
    {
        "readers": {
            "popular": [popular.username, popular.followers_count],
            "heavy follower": [heavy.username, heavy.following_count],
            "customer": customer.username if customer else None,
            "patient": patient.username if patient else None,
        },
        "counts": {
            "users": User.objects.count(),
            "posts": Post.objects.count(),
            "orders": Order.objects.count(),
            "records": Record.objects.count(),
        },
        "endpoints": [
            {"name": name, "path": path, "token": bearer}
            for name, path, bearer in endpoints
            if not (bearer is None and name in {"feed following", "orders", "records"})
        ],
    },
    sys.stdout,
    indent=1,
)

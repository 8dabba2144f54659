"""The floor of the benchmark: the product's hot reads without Django.

A bare WSGI application that answers the benchmarked endpoints with the same JSON as
the product, from the same database (the replica, as the product reads), with the
queries a hand-written service would send: psycopg with client-side binding (as
Django sends them), no ORM, no middleware, no serializer. A bearer token is checked
(signature and expiry) without a query. It is what the product's throughput is
measured against; ``bench/load.py`` checks that both answer the same body.

    gunicorn bench.floor:application -c config/gunicorn.conf.py
"""

import base64
import json
import os
import re
import threading
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlencode

import jwt
import psycopg

DATABASE_URL = (os.environ.get("DATABASE_REPLICA_URLS") or os.environ["DATABASE_URL"]).split(",")[0]
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
MEDIA_URL = "/media/"
# As the product's settings: a reader who follows this many accounts has a timeline,
# and ranks the newest entries of it for trending (social/timelines.py).
FEED_TIMELINE_MIN_FOLLOWS = int(os.environ.get("FEED_TIMELINE_MIN_FOLLOWS", "200"))
FEED_TIMELINE_LENGTH = int(os.environ.get("FEED_TIMELINE_LENGTH", "1000"))
_local = threading.local()


def _cursor() -> psycopg.ClientCursor:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        connection = psycopg.connect(
            DATABASE_URL,
            autocommit=True,
            cursor_factory=psycopg.ClientCursor,
            # The product's session settings (config/settings.py): the same plans.
            options="-c TimeZone=UTC -c enable_memoize=off -c max_parallel_workers_per_gather=0",
        )
        _local.connection = connection
    return connection.cursor()


def _rows(sql: str, params=()) -> list[tuple]:
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class HttpError(Exception):
    def __init__(self, status: int, detail: str):
        self.status, self.detail = status, detail


def _json_default(value):
    if isinstance(value, datetime):
        text = value.astimezone(UTC).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)  # UUIDs


def _encode(body) -> bytes:
    return json.dumps(
        body, default=_json_default, ensure_ascii=False, separators=(",", ":")
    ).encode()


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _summary(username, first, last, user_type) -> dict:
    return {"username": username, "name": _name(first, last), "user_type": user_type}


def _bearer_user_id(environ) -> int:
    scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme != "Bearer":
        raise HttpError(401, "Authentication credentials were not provided.")
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        raise HttpError(401, "Given token not valid for any token type") from None
    if claims.get("token_type") != "access":
        raise HttpError(401, "Given token not valid for any token type")
    return int(claims["user_id"])


def _page(environ, rows: list, size: int, position) -> dict:
    """A cursor page: ``rows`` holds one row more than the page when there is a next."""
    next_link = None
    if len(rows) > size:
        cursor = base64.b64encode(urlencode({"p": position(rows[size - 1])}).encode()).decode()
        query = {
            k: v for k, v in parse_qs(environ.get("QUERY_STRING", "")).items() if k != "cursor"
        }
        query["cursor"] = [cursor]
        next_link = (
            f"http://{environ['HTTP_HOST']}{environ['PATH_INFO']}?{urlencode(query, doseq=True)}"
        )
    return {"next": next_link, "previous": None, "results": rows[:size]}


def _user_id(username: str) -> int:
    rows = _rows(
        "SELECT id FROM users_user WHERE LOWER(username) = %s AND is_active LIMIT 1",
        [username.lower()],
    )
    if not rows:
        raise HttpError(404, "No user with this username.")
    return rows[0][0]


def _days_until_birthday(born: date, today: date) -> int:
    def celebrated(year: int) -> date:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if (born.month, born.day) == (2, 29) and not leap:
            return date(year, 2, 28)
        return born.replace(year=year)

    upcoming = celebrated(today.year)
    if upcoming < today:
        upcoming = celebrated(today.year + 1)
    return (upcoming - today).days


def hello(environ, username: str):
    rows = _rows(
        "SELECT username, date_of_birth FROM users_user "
        "WHERE LOWER(username) = %s AND is_active LIMIT 1",
        [username.lower()],
    )
    if not rows or rows[0][1] is None:
        raise HttpError(404, "No user with this username.")
    name, born = rows[0]
    days = _days_until_birthday(born, datetime.now(UTC).date())
    if days == 0:
        return {"message": f"Hello, {name}! Happy birthday!"}
    return {"message": f"Hello, {name}! Your birthday is in {days} day(s)"}


def profile(environ, username: str):
    rows = _rows(
        "SELECT username, first_name, last_name, user_type, date_joined, followers_count, "
        "following_count, posts_count FROM users_user "
        "WHERE LOWER(username) = %s AND is_active LIMIT 1",
        [username.lower()],
    )
    if not rows:
        raise HttpError(404, "No user with this username.")
    name, first, last, user_type, joined, followers, following, posts = rows[0]
    joined = joined.astimezone(UTC)
    return {
        "username": name,
        "name": _name(first, last),
        "user_type": user_type,
        "date_joined": joined,
        "date_joined_display": f"{joined:%B} {joined.day}, {joined.year}",
        "followers_count": followers,
        "following_count": following,
        "posts_count": posts,
        "is_following": False,
    }


def _follow_list(environ, username: str, party: str, owner: str):
    user_id = _user_id(username)
    rows = _rows(
        "SELECT u.username, u.first_name, u.last_name, u.user_type, f.created_at, f.id "
        f"FROM social_follow f JOIN users_user u ON u.id = f.{party}_id "
        f"WHERE f.{owner}_id = %s ORDER BY f.created_at DESC, f.id DESC LIMIT 21",
        [user_id],
    )
    page = _page(environ, rows, 20, lambda row: json.dumps([_json_default(row[4]), row[5]]))
    page["results"] = [_summary(*row[:4]) for row in page["results"]]
    return page


def followers(environ, username: str):
    return _follow_list(environ, username, "follower", "followee")


def following(environ, username: str):
    return _follow_list(environ, username, "followee", "follower")


def menu(environ):
    pizzas = _rows(
        "SELECT id, name, price, image FROM orders_pizza WHERE is_available ORDER BY id LIMIT 21"
    )
    ingredients: dict[int, list[str]] = {pizza[0]: [] for pizza in pizzas}
    for pizza_id, name in _rows(
        "SELECT pi.pizza_id, i.name FROM orders_pizza_ingredients pi "
        "JOIN orders_ingredient i ON i.id = pi.ingredient_id "
        "WHERE pi.pizza_id = ANY(%s) ORDER BY i.name",
        [list(ingredients)],
    ):
        ingredients[pizza_id].append(name)
    page = _page(environ, pizzas, 20, lambda row: row[0])
    host = environ["HTTP_HOST"]
    page["results"] = [
        {
            "id": pizza_id,
            "name": name,
            "price": price,
            "ingredients": ingredients[pizza_id],
            "image": f"http://{host}{MEDIA_URL}{image}" if image else None,
        }
        for pizza_id, name, price, image in page["results"]
    ]
    return page


FEED_COLUMNS = """
SELECT p.id, p.kind, p.content, p.created_at, p.repost_count, p.quote_count,
       a.username, a.first_name, a.last_name, a.user_type,
       o.id, o.kind, o.content, o.created_at, o.repost_count, o.quote_count, o.original_id,
       o.hidden, oa.username, oa.first_name, oa.last_name, oa.user_type
"""
FEED_JOINS = """
JOIN users_user a ON a.id = p.author_id
LEFT JOIN social_post o ON o.id = p.original_id
LEFT JOIN users_user oa ON oa.id = o.author_id
"""
FEED_SQL = (
    FEED_COLUMNS
    + "FROM social_post p"
    + FEED_JOINS
    + "WHERE NOT p.hidden AND NOT (p.kind = 'repost' AND o.hidden) {where} "
    + "ORDER BY {order} LIMIT 11"
)
# The trending page of a reader with a timeline, in the product's statement
# (social.selectors.timeline_page): the page's ids ranked among the newest entries,
# each entry's post and original found by key, then the page's rows.
TIMELINE_TRENDING_SQL = (
    FEED_COLUMNS
    + """
FROM (SELECT r.id FROM (SELECT post_id FROM social_timelineentry WHERE owner_id = %s
                        ORDER BY created_at DESC, post_id DESC LIMIT %s) e
      CROSS JOIN LATERAL (SELECT id, kind, repost_count, created_at, original_id, hidden
                          FROM social_post WHERE id = e.post_id) r
      LEFT JOIN LATERAL (SELECT hidden FROM social_post WHERE id = r.original_id) h ON TRUE
      WHERE NOT r.hidden AND (r.kind <> 'repost' OR NOT h.hidden)
      ORDER BY r.repost_count DESC, r.created_at DESC, r.id DESC LIMIT 11) page
JOIN social_post p ON p.id = page.id"""
    + FEED_JOINS
    + "ORDER BY p.repost_count DESC, p.created_at DESC, p.id DESC"
)


def _post(row) -> dict:
    original = None
    if row[10] is not None and not row[17]:
        original = {
            "id": row[10],
            "author": _summary(*row[18:22]),
            "kind": row[11],
            "content": row[12],
            "created_at": row[13],
            "repost_count": row[14],
            "quote_count": row[15],
            "original_id": row[16],
        }
    return {
        "id": row[0],
        "author": _summary(*row[6:10]),
        "kind": row[1],
        "content": row[2],
        "created_at": row[3],
        "repost_count": row[4],
        "quote_count": row[5],
        "original": original,
    }


def feed(environ):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    sql, where, params = FEED_SQL, "", []
    trending = query.get("sort") == ["trending"]
    if query.get("scope") == ["following"]:
        reader = _bearer_user_id(environ)
        where = "AND p.author_id IN (SELECT followee_id FROM social_follow WHERE follower_id = %s)"
        params.append(reader)
        heavy = "SELECT following_count >= %s FROM users_user WHERE id = %s"
        if trending and _rows(heavy, [FEED_TIMELINE_MIN_FOLLOWS, reader])[0][0]:
            sql, params = TIMELINE_TRENDING_SQL, [reader, FEED_TIMELINE_LENGTH]
    if trending:
        order = "p.repost_count DESC, p.created_at DESC, p.id DESC"
        position = lambda row: json.dumps([row[4], _json_default(row[3]), row[0]])  # noqa: E731
    else:
        order = "p.created_at DESC, p.id DESC"
        position = lambda row: json.dumps([_json_default(row[3]), row[0]])  # noqa: E731
    rows = _rows(sql.format(where=where, order=order), params)
    page = _page(environ, rows, 10, position)
    page["results"] = [_post(row) for row in page["results"]]
    return page


def users(environ):
    query = parse_qs(environ.get("QUERY_STRING", ""))
    where, params = "", []
    for word in query.get("q", [""])[0].split():
        # The expression Django writes for icontains on PostgreSQL.
        where += (
            " AND (UPPER(username::text) LIKE UPPER(%s) OR UPPER(first_name::text) LIKE UPPER(%s)"
            " OR UPPER(last_name::text) LIKE UPPER(%s))"
        )
        params += [f"%{word}%"] * 3
    rows = _rows(
        "SELECT username, first_name, last_name, user_type, date_joined FROM users_user "
        f"WHERE is_active{where} ORDER BY date_joined DESC, id DESC LIMIT 21",
        params,
    )
    page = _page(environ, rows, 20, lambda row: _json_default(row[4]))
    page["results"] = [
        {"username": u, "name": _name(f, last), "user_type": t, "date_joined": joined}
        for u, f, last, t, joined in page["results"]
    ]
    return page


def orders(environ):
    user_id = _bearer_user_id(environ)
    rows = _rows(
        "SELECT id, status, customer_name, phone, street, house_number, apartment, postal_code, "
        "city, country, note, total, created_at, updated_at FROM orders_order "
        "WHERE user_id = %s ORDER BY created_at DESC, id DESC LIMIT 21",
        [user_id],
    )
    page = _page(environ, rows, 20, lambda row: _json_default(row[12]))
    ids = [row[0] for row in page["results"]]
    items: dict = {order_id: [] for order_id in ids}
    extras: dict = {}
    for item_id, order_id, pizza, pizza_name, quantity, unit_price, line_total in _rows(
        "SELECT id, order_id, pizza_id, pizza_name, quantity, unit_price, line_total "
        "FROM orders_orderitem WHERE order_id = ANY(%s) ORDER BY id",
        [ids],
    ):
        extras[item_id] = []
        items[order_id].append(
            {
                "pizza": pizza,
                "pizza_name": pizza_name,
                "quantity": quantity,
                "unit_price": unit_price,
                "extras": extras[item_id],
                "line_total": line_total,
            }
        )
    for item_id, extra, extra_name, quantity, unit_price in _rows(
        "SELECT item_id, extra_id, extra_name, quantity, unit_price "
        "FROM orders_orderitemextra WHERE item_id = ANY(%s) ORDER BY id",
        [list(extras)],
    ):
        extras[item_id].append(
            {
                "extra": extra,
                "extra_name": extra_name,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )
    history: dict = {order_id: [] for order_id in ids}
    for order_id, from_status, to_status, changed_at in _rows(
        "SELECT order_id, from_status, to_status, changed_at FROM orders_orderstatuschange "
        "WHERE order_id = ANY(%s) ORDER BY changed_at, id",
        [ids],
    ):
        history[order_id].append(
            {"from_status": from_status, "to_status": to_status, "changed_at": changed_at}
        )
    page["results"] = [
        {
            "id": row[0],
            "status": row[1],
            "customer_name": row[2],
            "phone": row[3],
            "delivery_address": dict(
                zip(
                    ("street", "house_number", "apartment", "postal_code", "city", "country"),
                    row[4:10],
                    strict=True,
                )
            ),
            "items": items[row[0]],
            "note": row[10],
            "total": row[11],
            "created_at": row[12],
            "updated_at": row[13],
            "history": history[row[0]],
        }
        for row in page["results"]
    ]
    return page


def records(environ):
    user_id = _bearer_user_id(environ)
    rows = _rows(
        "SELECT r.id, u.username, u.first_name, u.last_name, u.date_of_birth, r.diagnosis, "
        "r.treatment, r.date_of_treatment, r.doctor, r.created_at, r.updated_at "
        "FROM records_record r JOIN users_user u ON u.id = r.patient_id "
        "WHERE r.patient_id = %s ORDER BY r.created_at DESC, r.id DESC LIMIT 21",
        [user_id],
    )
    page = _page(environ, rows, 20, lambda row: _json_default(row[9]))
    page["results"] = [
        {
            "id": row[0],
            "patient": {"username": row[1], "name": _name(row[2], row[3])},
            "patient_date_of_birth": row[4],
            "diagnosis": row[5],
            "treatment": row[6],
            "date_of_treatment": row[7],
            "doctor": row[8],
            "created_at": row[9],
            "updated_at": row[10],
        }
        for row in page["results"]
    ]
    return page


def live(environ):
    return {"status": "up"}


USERNAME = "(?P<username>[A-Za-z0-9]+)"
ROUTES = [
    (re.compile(rf"/hello/{USERNAME}"), hello),
    (re.compile(rf"/api/users/{USERNAME}/"), profile),
    (re.compile(rf"/api/users/{USERNAME}/followers/"), followers),
    (re.compile(rf"/api/users/{USERNAME}/following/"), following),
    (re.compile("/api/pizzas/"), menu),
    (re.compile("/api/posts/"), feed),
    (re.compile("/api/users/"), users),
    (re.compile("/api/orders/"), orders),
    (re.compile("/api/records/"), records),
    (re.compile("/health/live"), live),
]


def application(environ, start_response):
    path = environ["PATH_INFO"]
    status, body = 404, {"status": 404, "code": "not_found", "detail": "Not found."}
    for pattern, view in ROUTES:
        match = pattern.fullmatch(path)
        if match:
            try:
                status, body = 200, view(environ, **match.groupdict())
            except HttpError as error:
                status = error.status
                body = {"status": status, "code": "error", "detail": error.detail}
            break
    payload = _encode(body)
    start_response(
        f"{status} {'OK' if status == 200 else 'Error'}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
    )
    return [payload]

"""The refactoring into viewsets changed no byte of the contract the schema describes.

``schema_before.json`` is the schema of main before the refactoring (``manage.py
spectacular --format openapi-json``). The schema of today must be the same document,
except for the changes listed here, each one deliberate.
"""

import copy
import json
from pathlib import Path

from django.db import connection
from drf_spectacular.generators import SchemaGenerator

BEFORE = Path(__file__).with_name("schema_before.json")
# The post's path parameter is named after the viewset's lookup field like every other
# detail route's; the URL itself (/api/posts/<digits>/) is unchanged.
RENAMED_PATHS = {"/api/posts/{post_id}/": "/api/posts/{id}/"}
RENAMED_PATH_PARAMETERS = {"post_id": "id"}
# The account viewset (commit 4ce9838) gave GET /api/auth/me its own description: before,
# it showed the docstring of the views' old base class.
DESCRIPTIONS = {
    ("/api/auth/signup", "post"): "Create an account and log it in. Throttled per IP (429).",
    ("/api/auth/me", "get"): "Your own account, email and date of birth included.",
    ("/api/auth/me", "patch"): (
        "Change your names, email, user type or date of birth. A new email needs "
        "`current_password` (400 without it, 403 if wrong; wrong ones count against the "
        "account's login limit, 429), logs out every session and is told to the old address."
    ),
}
# The fixture was generated on SQLite, which has no small integers: Django bounds these
# read-only quantities (PositiveSmallIntegerField) by the database's range, so on
# PostgreSQL they are documented with its maximum instead.
SMALL_INTEGERS = {"OrderItem": "quantity", "OrderItemExtra": "quantity"}
# Issue 12: login and reset answer 503 while their limits cannot be counted; a new email
# needs `current_password` (403 if wrong, wrong ones counted against the login limit);
# sign-ups, anonymous orders and greetings are throttled per IP (429).
ADDED_RESPONSES = {
    ("/api/auth/signup", "post"): ["429"],
    ("/api/orders/", "post"): ["429"],
    ("/hello/{username}", "put"): ["429"],
    ("/api/auth/login", "post"): ["503"],
    ("/api/auth/password/reset", "post"): ["503"],
    ("/api/auth/me", "patch"): ["403", "429", "503"],
}
CURRENT_PASSWORD = {
    "type": "string",
    "writeOnly": True,
    "minLength": 1,
    "description": (
        "Needed to change `email` (400 without it, 403 if wrong); the change logs out "
        "every session (refresh tokens) and is told to the old address."
    ),
}
# The API authenticates by bearer token only (config/browser_middleware.py): the admin's
# session cookie is no longer a way in, so the schema no longer offers it.
REMOVED_SECURITY_SCHEMES = {"cookieAuth"}
# Issue 13's documentation: summaries, examples, and descriptions of the security schemes
# and path parameters present the same contract, so the comparison leaves them out.
PRESENTATION_KEYS = {"summary", "examples"}
# Issue 13: these lists, the same for everyone, read no credentials any more (a stale
# token no longer gets in their way), and operations that read none show no security
# requirement (no padlock in /docs/).
CREDENTIALS_NOT_READ = (
    "/api/pizzas/",
    "/api/pizzas/{id}/",
    "/api/pizzas/{id}/extras/",
    "/api/birthdays/today/",
    "/api/users/{username}/followers/",
    "/api/users/{username}/following/",
)
# Issue 13: the menu's detail routes document the 404 they always answered.
MENU_404 = {
    "description": "No pizza with this id on the menu.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def _expected() -> dict:
    schema = copy.deepcopy(json.loads(BEFORE.read_text()))
    schema["paths"] = {
        RENAMED_PATHS.get(path, path): item for path, item in schema["paths"].items()
    }
    for item in schema["paths"].values():
        for operation in item.values():
            if "requestBody" in operation:
                # Issue 12: JSON is the only request format; the form and multipart bodies
                # offered before were refused with a 415 (and broke generated clients).
                content = operation["requestBody"]["content"]
                operation["requestBody"]["content"] = {
                    "application/json": content["application/json"]
                }
            for parameter in operation.get("parameters", []):
                text = parameter["schema"].get("type") == "string"
                if parameter["in"] == "query" and not parameter.get("required") and text:
                    # An empty optional text query value reads as none; the schema says so.
                    parameter["allowEmptyValue"] = True
                parameter["name"] = RENAMED_PATH_PARAMETERS.get(
                    parameter["name"], parameter["name"]
                )
                if parameter["name"] == "page_size":
                    # Issue 12: an out-of-range page size is a 400, and the schema says so.
                    parameter["schema"].update(minimum=1, maximum=100)
            if "security" in operation:
                operation["security"] = [
                    scheme
                    for scheme in operation["security"]
                    if not set(scheme) & REMOVED_SECURITY_SCHEMES
                ]
    for name in REMOVED_SECURITY_SCHEMES:
        del schema["components"]["securitySchemes"][name]
    for (path, method), description in DESCRIPTIONS.items():
        schema["paths"][path][method]["description"] = description
    now = _now()
    for (path, method), statuses in ADDED_RESPONSES.items():
        for status in statuses:
            # The error shape; the wording of the description is the view's.
            schema["paths"][path][method]["responses"][status] = {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                "description": now["paths"][path][method]["responses"][status]["description"],
            }
    schema["components"]["schemas"]["PatchedAccountUpdateRequest"]["properties"][
        "current_password"
    ] = CURRENT_PASSWORD
    for path in CREDENTIALS_NOT_READ:
        schema["paths"][path]["get"]["security"] = [{}]
    for path in ("/api/pizzas/{id}/", "/api/pizzas/{id}/extras/"):
        schema["paths"][path]["get"]["responses"]["404"] = MENU_404
    for item in schema["paths"].values():
        for operation in item.values():
            if operation.get("security") == [{}]:
                del operation["security"]
    if connection.vendor == "postgresql":
        for component, field in SMALL_INTEGERS.items():
            field_schema = schema["components"]["schemas"][component]["properties"][field]
            del field_schema["format"]
            field_schema["maximum"] = 32767
    return _without_presentation(schema)


def _now() -> dict:
    schema = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    return _without_presentation(schema)


def _without_presentation(schema: dict) -> dict:
    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key not in PRESENTATION_KEYS}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    schema = strip(schema)
    for scheme in schema["components"].get("securitySchemes", {}).values():
        scheme.pop("description", None)
    for item in schema["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path":
                    parameter.pop("description", None)
    return schema


def test_the_schema_has_the_same_paths_and_operations_as_before():
    expected, now = _expected(), _now()
    assert sorted(now["paths"]) == sorted(expected["paths"])
    for path, item in expected["paths"].items():
        assert sorted(now["paths"][path]) == sorted(item), path


def test_every_operation_takes_and_answers_the_same_shapes_as_before():
    expected, now = _expected(), _now()
    for path, item in expected["paths"].items():
        for method, operation in item.items():
            assert now["paths"][path][method] == operation, f"{method.upper()} {path}"


def test_the_components_are_the_same_as_before():
    assert _now()["components"] == _expected()["components"]

"""The admin's login form against guessing: django-axes, tuned to this project.

Axes counts failed admin logins per username and client IP together (one client
cannot lock everybody out, and a botnet still meets the limit on each address it
uses), and refuses that pair for the cool-off time once the limit is reached. The
API's login has its own limits (authentication.throttles).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from config.api.errors import error_body

LOCKED_OUT = "Too many failed logins for this username from this address."


def admin_client_ip(request: HttpRequest) -> str:
    """The client's address exactly as the API's throttles take it: the socket's, or
    the one that ``DJANGO_TRUSTED_PROXIES`` hops of X-Forwarded-For name; a client
    must not pick its own address by sending the header."""
    return BaseThrottle().get_ident(request)


def admin_lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with ``Retry-After``: the admin's HTML page, or the API's error shape for a
    script (XMLHttpRequest or JSON only)."""
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    detail = f"{LOCKED_OUT} Try again in {retry_after // 60} minutes."
    wants_json = request.headers.get("X-Requested-With") == "XMLHttpRequest" or (
        request.accepts("application/json") and not request.accepts("text/html")
    )
    if wants_json:
        response: HttpResponse = JsonResponse(error_body(429, "locked_out", detail), status=429)
    else:
        context = {"title": "Login locked", "detail": detail, "site_header": "Administration"}
        response = render(request, "admin/locked_out.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response

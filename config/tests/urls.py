"""URLs used only by the foundation's tests: a view that fails, and views that write
and read through the router, so routing is tested without any app's endpoints."""

import threading

from django.contrib.auth.models import Group
from django.db import OperationalError
from django.urls import include, path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401


def boom(request):
    raise RuntimeError("an unexpected failure")


def database_gone(request):
    raise OperationalError('connection to server at "db.internal" (10.0.0.5) failed')


@api_view(["GET"])
@permission_classes([AllowAny])
def api_database_gone(request: Request) -> Response:
    raise OperationalError('connection to server at "db.internal" (10.0.0.5) failed')


@api_view(["POST"])
@permission_classes([AllowAny])
def group_create(request: Request) -> Response:
    Group.objects.create(name=request.data["name"])
    # Where this request reads what it has just written.
    return Response({"read_from": Group.objects.filter(name=request.data["name"]).db}, status=201)


@api_view(["GET"])
@permission_classes([AllowAny])
def group_detail(request: Request, name: str) -> Response:
    queryset = Group.objects.filter(name=name)
    found = queryset.exists()
    return Response({"name": name, "database": queryset.db}, status=200 if found else 404)


# A read that pauses between two queries, so that a test can stop its database then.
read_paused = threading.Event()
read_resumed = threading.Event()


@api_view(["GET"])
@permission_classes([AllowAny])
def group_detail_in_two_queries(request: Request, name: str) -> Response:
    Group.objects.filter(name=name).exists()
    read_paused.set()
    read_resumed.wait(timeout=60)
    queryset = Group.objects.filter(name=name)
    found = queryset.exists()
    return Response({"name": name, "database": queryset.db}, status=200 if found else 404)


urlpatterns = [
    path("boom/", boom),
    path("database-gone/", database_gone),
    path("api-database-gone/", api_database_gone),
    path("groups/", group_create),
    path("groups/<str:name>/", group_detail),
    path("groups/<str:name>/in-two-queries/", group_detail_in_two_queries),
    path("", include("config.urls")),
]

"""The users endpoints: the user list and the birthdays of the day (viewsets on the
app's router), and the greeting, an operation on a name rather than a resource (a
view beside the router)."""

from django.http import HttpRequest, HttpResponse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import NotAuthenticated, NotFound, PermissionDenied, error_response
from config.api.negotiation import asks_for_nothing_but
from config.api.pagination import CursorPagination, ListSlicePagination
from config.api.query import choice_filter_parameter
from users import selectors, services
from users.models import User
from users.serializers import (
    BirthdayUserSerializer,
    GreetingSerializer,
    GreetingUpdateSerializer,
    UserListQuerySerializer,
    UserListSerializer,
    user_list_row_data,
)
from users.throttles import GreetingIPThrottle

# DRF's own words for a missing login, kept since clients see them.
NOT_AUTHENTICATED = "Authentication credentials were not provided."


@extend_schema(tags=["users"])
class UserViewSet(viewsets.GenericViewSet):
    """Accounts, newest first; `?q=` searches usernames and names."""

    permission_classes = [AllowAny]
    serializer_class = UserListSerializer
    pagination_class = CursorPagination
    ordering = ("-date_joined", "-id")
    queryset = User.objects.none()  # for the schema: the list reads through its selector

    @extend_schema(
        summary="Accounts",
        parameters=[
            UserListQuerySerializer,
            choice_filter_parameter("user_type", User.UserType.choices),
        ],
    )
    def list(self, request: Request) -> Response:
        """Accounts, newest first; `?q=` searches usernames and names."""
        query = UserListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        users = selectors.user_list(**query.validated_data)
        page = self.paginate_queryset(users)
        return self.get_paginated_response(
            [user_list_row_data(row, viewer=request.user) for row in page]
        )


@extend_schema_view(
    list=extend_schema(
        operation_id="birthdays_today",
        summary="Today's birthdays",
        description=(
            "Accounts whose birthday is today in UTC, by username; people born on "
            "29 February are listed on 28 February in other years. Cached until "
            "midnight UTC and recomputed when a date of birth changes."
        ),
    )
)
@extend_schema(tags=["users"])
class BirthdaysTodayViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    # The same list for everyone: credentials are not read, so a stale token sent along
    # does not get in the way (and /docs/ shows no padlock).
    authentication_classes = ()
    permission_classes = [AllowAny]
    serializer_class = BirthdayUserSerializer
    # The day's list is small and cached whole, so pages are slices of it.
    pagination_class = ListSlicePagination

    def get_queryset(self) -> list[dict]:
        return selectors.birthdays_today_list()


class GreetingView(APIView):
    """The legacy birthday greeting, with its exact messages."""

    permission_classes = [AllowAny]
    throttle_classes = [GreetingIPThrottle]

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The cache is read once, here; ``get`` answers from what it held.
        self.cached = None
        if request.method in ("GET", "HEAD"):
            self.cached = selectors.greeting_cached(username=kwargs["username"])
        # The API's most requested read, answered from the cache without DRF's request
        # and response cycle (a seventh of its CPU time) when that cycle could only give
        # the same answer: a GET with no credentials (DRF would check them: a bad token
        # is a 401), asking for JSON alone, of a greeting the cache holds. Anything
        # else, errors included, goes through DRF.
        renderer = self.renderer_classes[0]
        if (
            self.cached is not None
            and request.method == "GET"
            and "HTTP_AUTHORIZATION" not in request.META
            and asks_for_nothing_but(request, renderer.media_type)
        ):
            try:
                message = selectors.greeting_get(username=kwargs["username"], cached=self.cached)
            except NotFound:
                pass  # an account without a date of birth: DRF answers the 404
            else:
                # GreetingSerializer's shape (it documents the schema), as DRF renders it.
                return HttpResponse(
                    renderer().render({"message": message}),
                    content_type=renderer.media_type,
                    headers=self.default_response_headers,
                )
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        operation_id="hello_read",
        summary="The birthday greeting",
        responses={
            200: GreetingSerializer,
            404: error_response("Unknown name, or no date of birth given."),
        },
        description=(
            "`Hello, <username>! Your birthday is in N day(s)`, or "
            "`Hello, <username>! Happy birthday!` on the day (UTC), with the name as "
            "it was registered; the lookup ignores case. 404 for an unknown name and "
            "for an account without a date of birth."
        ),
    )
    def get(self, request: Request, username: str) -> Response:
        # GreetingSerializer's shape (it documents the schema), without building it.
        return Response({"message": selectors.greeting_get(username=username, cached=self.cached)})

    @extend_schema(
        operation_id="hello_update",
        summary="Save a date of birth",
        request=GreetingUpdateSerializer,
        examples=[
            OpenApiExample(
                "A date of birth", value={"dateOfBirth": "1991-05-12"}, request_only=True
            )
        ],
        responses={
            204: OpenApiResponse(description="Saved; no body."),
            400: error_response("A name that is not letters only, or a date not before today."),
            401: error_response("The name belongs to an account that can log in: log in as it."),
            403: error_response("The name belongs to another account that can log in."),
            429: error_response(
                "Too many greetings set from this IP; the `Retry-After` header gives the "
                "seconds to wait."
            ),
        },
        description=(
            "Saves the date of birth of `username`, creating an account without email or "
            "password when the name is free. 400 for a name that is not letters only or "
            "longer than 14, or a date that is not before today (UTC). The name of an "
            "account that can log in may only be changed by that account or staff: 401 "
            "for anonymous callers, 403 for other accounts."
        ),
    )
    def put(self, request: Request, username: str) -> Response:
        serializer = GreetingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        actor = request.user if request.user.is_authenticated else None
        try:
            services.greeting_set(
                username=username,
                date_of_birth=serializer.validated_data["dateOfBirth"],
                actor=actor,
            )
        except PermissionDenied:
            # Anonymous callers may log in as the account: tell them so (401).
            if actor is None:
                raise NotAuthenticated(NOT_AUTHENTICATED) from None
            raise
        return Response(status=204)

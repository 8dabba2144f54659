"""The authentication endpoints: thin views over ``authentication.services``."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from authentication import services
from authentication.serializers import (
    AccountSerializer,
    AccountUpdateSerializer,
    LoginSerializer,
    PasswordForgotSerializer,
    PasswordResetSerializer,
    RefreshSerializer,
    SessionSerializer,
    SignupSerializer,
    TokenPairSerializer,
)
from authentication.throttles import (
    CurrentPasswordThrottle,
    LoginAccountThrottle,
    LoginIPThrottle,
    PasswordAccountThrottle,
    PasswordIPThrottle,
    ResetAccountThrottle,
    ResetIPThrottle,
    SignupIPThrottle,
)
from config.api.cache_control import PrivateNoStoreMixin
from config.api.errors import INVALID_INPUT as INVALID_INPUT_DETAIL
from config.api.errors import error_body, error_response
from config.api.throttling import SlotThrottledMixin

INVALID_INPUT = error_response(
    "Invalid input; `fields` says which and why.",
    error_body(400, "invalid", INVALID_INPUT_DETAIL, {"email": ["Enter a valid email address."]}),
)
NOT_AUTHENTICATED = error_response(
    "No valid access token.",
    error_body(401, "not_authenticated", "Authentication credentials were not provided."),
)
THROTTLED = error_response(
    "Too many attempts from this IP or on this account; the `Retry-After` header gives "
    "the seconds to wait.",
    error_body(429, "throttled", "Request was throttled. Expected available in 42 seconds."),
)
# A demo account of `manage.py seed`: "Try it out" logs in as it.
LOGIN_EXAMPLE = OpenApiExample(
    "A demo account", value={"login": "mate", "password": "demo-password-2021"}, request_only=True
)
LIMIT_UNAVAILABLE = error_response(
    "The attempt limits cannot be checked right now (their store is away); the "
    "`Retry-After` header gives the seconds to wait."
)


class PublicMixin:
    # For anyone: a stale bearer token sent along must not get in the way. (Comments,
    # not docstrings, on these classes: DRF and drf-spectacular would publish them.)
    authentication_classes = ()
    permission_classes = [AllowAny]


def _session(user, tokens: services.TokenPair) -> dict:
    return SessionSerializer(
        {"user": user, "access": tokens.access, "refresh": tokens.refresh}
    ).data


# The account, in the manner of djoser's UserViewSet: created at signup, read and
# changed as ``me``, its password reset by mailed code. Public except ``me``. Its
# answers (the own account, tokens) are never stored by a cache, as the token views'.
@extend_schema(tags=["authentication"])
class AccountViewSet(PrivateNoStoreMixin, SlotThrottledMixin, PublicMixin, viewsets.ViewSet):
    def get_throttles(self):
        # Sign-up is the router's create: no @action to carry its throttle.
        if self.action == "create":
            return [SignupIPThrottle()]
        return super().get_throttles()

    @extend_schema(
        operation_id="auth_signup",
        summary="Sign up",
        request=SignupSerializer,
        examples=[
            OpenApiExample(
                "A new person",
                value={
                    "username": "dora",
                    "email": "dora@example.com",
                    "password": "a sturdy passphrase",
                    "first_name": "Dora",
                    "last_name": "Explorer",
                },
                request_only=True,
            )
        ],
        responses={
            201: SessionSerializer,
            400: INVALID_INPUT,
            429: error_response(
                "Too many sign-ups from this IP; the `Retry-After` header gives the seconds "
                "to wait.",
                error_body(
                    429, "throttled", "Request was throttled. Expected available in 42 seconds."
                ),
            ),
        },
        description="Create an account and log it in. Throttled per IP (429).",
    )
    def create(self, request: Request) -> Response:
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = services.account_signup(**serializer.validated_data)
        return Response(_session(user, tokens), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_me_read",
        summary="Your account",
        responses={200: AccountSerializer, 401: NOT_AUTHENTICATED},
        description="Your own account, email and date of birth included.",
    )
    @action(
        detail=False,
        methods=["get"],
        # The caller's own account: the project's default authentication and permission.
        authentication_classes=api_settings.DEFAULT_AUTHENTICATION_CLASSES,
        permission_classes=api_settings.DEFAULT_PERMISSION_CLASSES,
        # Wrong current passwords count against the account's login limit.
        throttle_classes=[CurrentPasswordThrottle],
    )
    def me(self, request: Request) -> Response:
        return Response(AccountSerializer(request.user).data)

    @extend_schema(
        operation_id="auth_me_update",
        summary="Change your account",
        request=AccountUpdateSerializer,
        responses={
            200: AccountSerializer,
            400: INVALID_INPUT,
            401: NOT_AUTHENTICATED,
            403: error_response("Wrong `current_password`."),
            429: THROTTLED,
            503: LIMIT_UNAVAILABLE,
        },
        description=(
            "Change your names, email, user type or date of birth. A new email needs "
            "`current_password` (400 without it, 403 if wrong; wrong ones count against "
            "the account's login limit, 429), logs out every session and is told to the "
            "old address."
        ),
    )
    @me.mapping.patch
    def me_update(self, request: Request) -> Response:
        serializer = AccountUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        current_password = data.pop("current_password", None)
        user = services.account_update(
            user=request.user, data=data, current_password=current_password
        )
        return Response(AccountSerializer(user).data)

    @extend_schema(
        operation_id="auth_password_forgot",
        summary="Forgot the password: mail a code",
        request=PasswordForgotSerializer,
        responses={
            202: OpenApiResponse(description="Accepted, whether the email is known or not."),
            400: INVALID_INPUT,
            429: THROTTLED,
        },
        description=(
            "Mails a six-digit code, valid 300 s, to the account with this email, if any. "
            "A new request replaces the previous code. Throttled per IP and per email (429)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="password/forgot",
        name="Password Forgot",
        throttle_classes=[PasswordIPThrottle, PasswordAccountThrottle],
    )
    def password_forgot(self, request: Request) -> Response:
        serializer = PasswordForgotSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(email=serializer.validated_data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        operation_id="auth_password_reset",
        summary="Reset the password with the mailed code",
        request=PasswordResetSerializer,
        responses={
            204: OpenApiResponse(description="Password changed; every refresh token revoked."),
            400: error_response(
                "Wrong, expired or used code, or a password the validators refuse.",
                error_body(
                    400,
                    "invalid_code",
                    "The code is wrong or has expired.",
                    {"code": ["The code is wrong or has expired."]},
                ),
            ),
            429: THROTTLED,
            503: LIMIT_UNAVAILABLE,
        },
        description=(
            "400 for a wrong, expired or used code, for any code after 5 wrong tries, and "
            "for a password Django's validators refuse. Throttled per IP and per email (429)."
        ),
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="password/reset",
        name="Password Reset",
        throttle_classes=[ResetIPThrottle, ResetAccountThrottle],
    )
    def password_reset(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset(**serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The token operations are not a resource: views beside the router's routes, as in
# djoser and NetBox.
@extend_schema(tags=["authentication"])
class LoginView(PrivateNoStoreMixin, SlotThrottledMixin, PublicMixin, APIView):
    throttle_classes = [LoginIPThrottle, LoginAccountThrottle]

    @extend_schema(
        operation_id="auth_login",
        summary="Log in: a JWT pair",
        request=LoginSerializer,
        examples=[LOGIN_EXAMPLE],
        responses={
            200: SessionSerializer,
            400: INVALID_INPUT,
            401: error_response(
                "Wrong login or password (one answer for both).",
                error_body(401, "invalid_credentials", "No active account with these credentials."),
            ),
            429: THROTTLED,
            503: LIMIT_UNAVAILABLE,
        },
        description=(
            "`login` is a username or an email. 401 for a wrong login or password (one "
            "answer for both); 429 with `Retry-After` after too many failed attempts from one IP "
            "or on one account."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, tokens = services.account_login(**serializer.validated_data)
        return Response(_session(user, tokens))


@extend_schema(tags=["authentication"])
class RefreshView(PrivateNoStoreMixin, PublicMixin, APIView):
    @extend_schema(
        operation_id="auth_refresh",
        summary="Refresh: a new JWT pair",
        request=RefreshSerializer,
        responses={
            200: TokenPairSerializer,
            400: INVALID_INPUT,
            401: error_response(
                "Invalid, expired, already used or logged-out refresh token.",
                error_body(401, "token_not_valid", "Token is blacklisted"),
            ),
        },
        description=(
            "A new pair; the refresh token sent stops working. 401 for an invalid, "
            "expired, already used or logged-out refresh token."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = services.token_refresh(refresh=serializer.validated_data["refresh"])
        return Response(TokenPairSerializer(tokens).data)


@extend_schema(tags=["authentication"])
class LogoutView(APIView):
    @extend_schema(
        operation_id="auth_logout",
        summary="Log out: revoke a refresh token",
        request=RefreshSerializer,
        responses={
            204: OpenApiResponse(description="That refresh token stopped working."),
            400: error_response("Not a valid refresh token of yours."),
            401: NOT_AUTHENTICATED,
        },
        description=(
            "Revoke one of your refresh tokens (the access token lives on until it "
            "expires, minutes later). Revoking it again is fine."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = RefreshSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.token_revoke(user=request.user, refresh=serializer.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)

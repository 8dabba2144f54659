"""JWT bearer authentication that also finds accounts the replicas lag behind on."""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.settings import api_settings

# The module, not its names: config.api.errors imports rest_framework.views, whose
# APIView loads this class (DEFAULT_AUTHENTICATION_CLASSES) while errors is half-loaded.
from config.api import errors
from config.database_router import reads_from_primary


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication, with the account read from the primary when a
    replica does not have it yet (a client that just signed up)."""

    def get_user(self, validated_token):
        # The codes are those simplejwt's own exceptions answered with.
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise errors.NotAuthenticated(
                "Token contained no recognizable user identification", code="token_not_valid"
            ) from None
        users = get_user_model().objects
        user = users.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        if user is None:
            with reads_from_primary():
                user = users.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        if user is None:
            raise errors.NotAuthenticated("User not found", code="authentication_failed")
        if not user.is_active:
            raise errors.NotAuthenticated("User is inactive", code="authentication_failed")
        return user

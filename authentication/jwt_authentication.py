"""JWT bearer authentication that also finds accounts the replicas lag behind on."""

from django.contrib.auth import get_user_model
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from config.database_router import reads_from_primary


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication, with the account read from the primary when a
    replica does not have it yet (a client that just signed up)."""

    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken("Token contained no recognizable user identification") from None
        users = get_user_model().objects
        user = users.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        if user is None:
            with reads_from_primary():
                user = users.filter(**{api_settings.USER_ID_FIELD: user_id}).first()
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not user.is_active:
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user

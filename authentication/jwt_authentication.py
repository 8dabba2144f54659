"""JWT bearer authentication that also finds accounts the replicas lag behind on."""

from django.db import connections, router
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.settings import api_settings

# The module, not its names: config.api.errors imports rest_framework.views, whose
# APIView loads this class (DEFAULT_AUTHENTICATION_CLASSES) while errors is half-loaded.
from config.api import errors
from config.database_router import reads_from_primary
from config.sql_rows import row_shape
from users.models import User


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication, with the account read from the primary when a
    replica does not have it yet (a client that just signed up)."""

    def authenticate(self, request):
        # The token the router's middleware decoded and checked, from the same header
        # (config/database_router.py): checking its signature again cost 0.1 ms.
        token = getattr(request._request, "bearer_access_token", None)
        if token is None:
            return super().authenticate(request)
        return self.get_user(token), token

    def get_user(self, validated_token):
        # The codes are those simplejwt's own exceptions answered with.
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise errors.NotAuthenticated(
                "Token contained no recognizable user identification", code="token_not_valid"
            ) from None
        user = _account(user_id)
        if user is None:
            with reads_from_primary():
                user = _account(user_id)
        if user is None:
            raise errors.NotAuthenticated("User not found", code="authentication_failed")
        if not user.is_active:
            raise errors.NotAuthenticated("User is inactive", code="authentication_failed")
        return user


_ACCOUNT_COLUMNS = tuple(field.attname for field in User._meta.concrete_fields)


def _account(user_id) -> User | None:
    """The account with this id (simplejwt's ``USER_ID_FIELD``), active or not, whole,
    read once per authenticated request: one statement written out
    (config/sql_rows.py), where the ORM's ``filter(pk=...).first()`` took 0.5 ms of
    CPU, four times this."""
    connection = connections[router.db_for_read(User)]
    # As the ORM's lookup reads it: a claim that is no id fails here (ValueError).
    user_id = User._meta.pk.get_db_prep_value(user_id, connection)
    shape = row_shape(connection.alias, ("u", User, _ACCOUNT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {shape.columns} FROM "{User._meta.db_table}" u WHERE u."id" = %s', [user_id]
        )
        row = cursor.fetchone()
    return None if row is None else shape.instances(row)[0]

from django.apps import AppConfig


class AuthenticationConfig(AppConfig):
    name = "authentication"
    verbose_name = "Authentication"

    def ready(self) -> None:
        # Registers the schema extension of our JWT authentication with drf-spectacular.
        from authentication import schema  # noqa: F401

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, installed so that its project-wide commands (``seed``) are
    found in ``config/management/commands``, where a newcomer looks first, and registers
    the API's path converters before any URL is built. It has no models and imports no
    app: it reaches them through the app registry."""

    name = "config"
    verbose_name = "Platform"

    def ready(self) -> None:
        from config.api.converters import register_path_converters
        from config.api.json_types import make_request_fields_strict

        register_path_converters()
        make_request_fields_strict()

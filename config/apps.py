from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself, installed so that its project-wide commands (``seed``) are
    found in ``config/management/commands``, where a newcomer looks first. It has no
    models and imports no app: it reaches them through the app registry."""

    name = "config"
    verbose_name = "Platform"

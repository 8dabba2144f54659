"""Work that leaves the request: mail. Run by the worker (``manage.py db_worker``), or
at once where ``TASKS_IMMEDIATE`` is set; the work itself is in ``services``."""

from django_tasks import task

from authentication import services


@task()
def password_reset_code_send(*, user_id: int | None) -> None:
    services.password_reset_code_send(user_id=user_id)


@task()
def account_email_changed_notify(*, email: str, username: str) -> None:
    services.account_email_changed_notify(email=email, username=username)

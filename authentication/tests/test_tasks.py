"""Mail leaves the request: with the database backend of production, the request
only queues a task and the worker (`manage.py db_worker`) sends the mail."""

import re

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from authentication.models import PasswordResetCode
from config.database_router import reads_from_primary
from users.tests.factories import DEFAULT_PASSWORD

# Committed for real: the worker opens and closes its own connections, as in production.
pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def queued_tasks() -> list[DBTaskResult]:
    with reads_from_primary():  # the streaming replica may lag behind
        return list(DBTaskResult.objects.all())


def test_forgot_only_queues_the_mail_which_the_worker_sends(
    api_client, alice, mailoutbox, database_tasks
):
    response = api_client.post("/api/auth/password/forgot", {"email": alice.email})

    assert response.status_code == 202
    assert mailoutbox == []
    with reads_from_primary():
        assert not PasswordResetCode.objects.exists()
    [task] = queued_tasks()
    assert task.args_kwargs["kwargs"] == {"user_id": alice.pk}  # never the code itself

    run_worker()

    assert mailoutbox[0].to == [alice.email]
    code = re.search(r"\b(\d{6})\b", mailoutbox[0].body).group(1)
    reset = api_client.post(
        "/api/auth/password/reset",
        {"email": alice.email, "code": code, "password": "a brand new passphrase"},
    )
    assert reset.status_code == 204


def test_forgot_for_an_unknown_email_queues_the_same_task_which_sends_nothing(
    api_client, mailoutbox, database_tasks
):
    response = api_client.post("/api/auth/password/forgot", {"email": "nobody@example.com"})

    assert response.status_code == 202
    [task] = queued_tasks()
    assert task.args_kwargs["kwargs"] == {"user_id": None}
    run_worker()
    assert mailoutbox == []


def test_the_old_address_is_told_by_the_worker(client_for, alice, mailoutbox, database_tasks):
    client_for(alice).patch(
        "/api/auth/me", {"email": "new@example.org", "current_password": DEFAULT_PASSWORD}
    )
    assert mailoutbox == []

    run_worker()

    assert [message.to for message in mailoutbox] == [["alice@example.com"]]

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.services


@pytest.mark.pgbouncer
@pytest.mark.django_db(transaction=True, databases="__all__")
def test_behind_pgbouncer_a_queryset_is_iterated_without_a_server_side_cursor():
    pgbouncer_port = urlsplit(os.environ["PGBOUNCER_URL"]).port
    assert connection.settings_dict["PORT"] == str(pgbouncer_port)
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    Group.objects.bulk_create(Group(name=f"group {index}") for index in range(3))

    # On the primary, through PgBouncer, outside a transaction: a server-side cursor
    # would have to outlive the statement's own transaction.
    groups = Group.objects.using("default").order_by("name").iterator(chunk_size=1)
    names = [group.name for group in groups]

    assert names == ["group 0", "group 1", "group 2"]


def test_the_psycopg_pool_serves_every_alias_when_asked():
    """DATABASE_POOL=true: a Django process gets its connections from psycopg's pool."""
    script = (
        "import django; django.setup()\n"
        "from django.db import connections\n"
        "for alias in connections:\n"
        "    with connections[alias].cursor() as cursor:\n"
        "        cursor.execute('SELECT 1')\n"
        "    connections[alias].close()\n"
        "    pool = connections[alias].pool\n"
        "    print(alias, type(pool).__name__, pool.get_stats()['pool_available'] >= 1)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_SECRET_KEY": "pool-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DATABASE_REPLICA_URLS": os.environ["DATABASE_REPLICA_URLS"],
            "DATABASE_PGBOUNCER": os.environ.get("DATABASE_PGBOUNCER", "False"),
            "DATABASE_POOL": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "default ConnectionPool True",
        "replica_0 ConnectionPool True",
    ]

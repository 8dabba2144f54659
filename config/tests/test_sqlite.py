"""The embedded setup (SQLite) serves concurrent writes without "database is locked"."""

from config.tests.test_environment import run_manage

# Two requests at once, each in a transaction that reads before it writes, as the
# daily post limit does. A deferred SQLite transaction cannot wait for the other's
# write lock and fails at once; an immediate one waits its turn.
CONCURRENT_WRITERS = """
import threading
import time
from django.db import connection, transaction

connection.cursor().execute("CREATE TABLE probe (id INTEGER PRIMARY KEY)")
connection.close()
barrier = threading.Barrier(2)
failures = []


def write():
    try:
        barrier.wait(timeout=10)
        with transaction.atomic():
            connection.cursor().execute("SELECT COUNT(*) FROM probe")
            time.sleep(0.5)  # both have read by now, unless one waits to begin
            connection.cursor().execute("INSERT INTO probe DEFAULT VALUES")
    except Exception as error:
        failures.append(repr(error))
    finally:
        connection.close()


threads = [threading.Thread(target=write) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(failures or "no failures")
"""


def test_two_transactions_that_read_then_write_on_sqlite_both_succeed(tmp_path):
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        CONCURRENT_WRITERS,
        environment={
            "DJANGO_DEBUG": "True",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        },
    )

    assert result.stdout.strip() == "no failures", result.stderr

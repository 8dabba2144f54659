"""What ``manage.py seed_scale`` hands to each app's ``seed_scale_data`` hook.

The command knows no app (config imports none): it parses the sizes, opens one
transaction and calls, in INSTALLED_APPS order, every AppConfig that defines
``seed_scale_data(*, seed)``. Each app generates its own rows from ``seed.rng`` and
writes them with ``seed.copy`` (PostgreSQL COPY: an INSERT per row, or even Django's
batched INSERTs, spend most of their time building SQL). Apps that build on others
find what those made in ``seed.shared`` (the users app puts the new user ids there).
"""

import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.management.base import OutputWrapper
from django.db import connection


class Progress:
    """A progress bar with an ETA over a known total of rows, on a command's stderr.

    On a terminal the bar redraws in place; in a log (not a TTY) it prints a line at
    each tenth, so CI logs stay short.
    """

    WIDTH = 30

    def __init__(self, *, total: int, stream: OutputWrapper) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.last_tenth = -1
        self.interactive = self.stream.isatty()

    def advance(self, rows: int, *, label: str) -> None:
        self.done = min(self.done + rows, self.total)
        now = time.monotonic()
        tenth = self.done * 10 // self.total
        if self.interactive and now - self.last_drawn < 0.2 and self.done < self.total:
            return
        if not self.interactive and tenth == self.last_tenth:
            return
        self.last_drawn, self.last_tenth = now, tenth
        elapsed = now - self.started
        remaining = elapsed * (self.total - self.done) / self.done if self.done else 0
        filled = self.WIDTH * self.done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = (
            f"[{bar}] {100 * self.done // self.total:3d}% {label:<14} "
            f"{_duration(elapsed)} elapsed, ETA {_duration(remaining)}"
        )
        if self.interactive:
            self.stream.write(f"\r{line}", ending="")
        else:
            self.stream.write(line)
        self.stream.flush()

    def finish(self) -> None:
        self.advance(self.total - self.done, label="done")
        if self.interactive:
            self.stream.write("")


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s"


@dataclass
class ScaleSeed:
    """The sizes asked for, the seeded random generator, and the writers."""

    users: int
    posts: int
    follows: int
    orders: int
    records: int
    password: str | None
    rng: random.Random
    now: datetime
    progress: Progress
    shared: dict = field(default_factory=dict)
    # What the load dropped: the statements that create it again, indexes first.
    dropped: list[str] = field(default_factory=list)
    loaded_tables: set[str] = field(default_factory=set)

    def reserve_ids(self, model, count: int) -> list[int]:
        """``count`` new ids from the model's sequence, so rows can point at each
        other before they are written (a repost at its original)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def copy(
        self, model, fields: Sequence[str], rows: Iterable[tuple], *, label: str, counted=True
    ) -> int:
        """COPY ``rows`` (tuples of the model's ``fields``, attnames) into its table;
        ``counted`` rows move the progress bar (the sizes asked for: users, follows,
        posts, orders, records; not their details such as order items)."""
        table = model._meta.db_table
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        written = 0
        self._indexes_drop(table)
        # The psycopg cursor under Django's wrapper: Django has no API for COPY.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
                written += 1
                if counted and written % 20_000 == 0:
                    self.progress.advance(20_000, label=label)
        if counted:
            self.progress.advance(written % 20_000, label=label)
        return written

    def indexes_restore(self) -> None:
        """Create again the foreign keys and indexes dropped for the load."""
        with connection.cursor() as cursor:
            # Sorting a whole column at once is what makes a rebuilt index cheaper.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            share = (self.progress.total - self.progress.done) // max(len(self.dropped), 1)
            for statement in self.dropped:
                cursor.execute(statement)
                self.progress.advance(share, label="indexes")
        self.dropped.clear()

    def _indexes_drop(self, table: str) -> None:
        """Drop the foreign keys and the plain indexes of ``table`` until
        ``indexes_restore`` (the primary key and unique constraints stay).

        Django's foreign keys are deferred: each loaded row would queue a check that
        runs at commit, one index lookup and row lock on the referenced table per row
        (a minute for a million posts); added back, a foreign key checks the whole
        table in one join. Likewise an index built once from sorted rows costs a
        fraction of a million single inserts, the trigram index most of all. Dropping
        them locks the table, which a seeding run may do.
        """
        if table in self.loaded_tables:
            return
        self.loaded_tables.add(table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            foreign_keys = cursor.fetchall()
            cursor.execute(
                "SELECT index.relname, pg_get_indexdef(index.oid) FROM pg_index "
                "JOIN pg_class AS index ON index.oid = pg_index.indexrelid "
                "WHERE pg_index.indrelid = %s::regclass AND NOT EXISTS "
                "(SELECT FROM pg_constraint WHERE conindid = index.oid) ORDER BY 1",
                [table],
            )
            indexes = cursor.fetchall()
            for name, definition in foreign_keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.dropped.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
                self.dropped.insert(0, definition)

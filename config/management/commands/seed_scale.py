"""A data set at scale, for benchmarks and EXPLAIN: every app adds its share.

    manage.py seed_scale --users 100000 --posts 1000000 --random-seed 1

Each app whose AppConfig defines ``seed_scale_data(*, seed)`` writes its rows with
COPY, in INSTALLED_APPS order (users first: the others point at them), with counters
computed in Python from the rows themselves, so they are exact without a counting
UPDATE. Run it again and it adds another set of users with their follows, posts,
orders and records; the same arguments on the same database give the same data.
"""

import random
import time
from datetime import datetime

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from config.database_router import reads_from_primary
from config.scale_seed import Progress, ScaleSeed


class Command(BaseCommand):
    help = (
        "Add a scaled data set to PostgreSQL: users, skewed follows, posts with reposts "
        "and quotes, orders and medical records, with exact counters. Repeatable with "
        "--random-seed; run it again to add more."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--users", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=100_000)
        parser.add_argument(
            "--follows-per-user",
            type=int,
            default=20,
            help="Follows per user on average; a few follow hundreds, most a handful.",
        )
        parser.add_argument("--orders", type=int, default=None, help="Default: one per user.")
        parser.add_argument("--records", type=int, default=None, help="Default: users / 2.")
        parser.add_argument(
            "--password",
            default=None,
            help="Give every generated user this password (default: none, they cannot log in).",
        )
        parser.add_argument("--random-seed", type=int, default=1)
        parser.add_argument(
            "--until",
            type=datetime.fromisoformat,
            default=None,
            help="ISO date-time the generated history ends at (default: now); "
            "with the same seed, the same moment gives the same data.",
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL COPY: set DATABASE_URL to a PostgreSQL "
                f"database (this one is {connection.vendor})."
            )
        users = options["users"]
        orders = users if options["orders"] is None else options["orders"]
        records = users // 2 if options["records"] is None else options["records"]
        follows = users * options["follows_per_user"]
        if users < 2 or min(options["posts"], follows, orders, records) < 0:
            raise CommandError("Give at least 2 users, and no negative size.")
        until = options["until"] or timezone.now()
        if timezone.is_naive(until):
            until = timezone.make_aware(until, timezone.utc)
        hooks = [
            (app_config.label, app_config.seed_scale_data)
            for app_config in apps.get_app_configs()
            if hasattr(app_config, "seed_scale_data")
        ]
        rows = users + follows + options["posts"] + orders + records
        # Rebuilding the indexes after the load took 70 s of 250 s at full size: the
        # bar counts it as that share of the rows, so the ETA holds until the end.
        progress = Progress(total=rows + rows * 2 // 5, stream=self.stderr)
        seed = ScaleSeed(
            users=users,
            posts=options["posts"],
            follows=follows,
            orders=orders,
            records=records,
            password=options["password"],
            rng=random.Random(options["random_seed"]),
            now=until,
            progress=progress,
        )
        # One transaction: all of it or nothing (an app that refuses rolls back the
        # others), and every read on the primary.
        timings = []
        with reads_from_primary(), transaction.atomic():
            for label, seed_scale_data in hooks:
                started = time.monotonic()
                seed_scale_data(seed=seed)
                timings.append((label, time.monotonic() - started))
            started = time.monotonic()
            seed.indexes_restore()
            timings.append(("indexes", time.monotonic() - started))
            started = time.monotonic()
        timings.append(("commit", time.monotonic() - started))
        progress.finish()
        spent = ", ".join(f"{label} {seconds:.1f} s" for label, seconds in timings)
        self.stdout.write(self.style.SUCCESS(f"seed_scale: done ({spent})"))

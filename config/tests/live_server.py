"""The product as clients meet it: gunicorn on loopback over the real services.

``make test`` starts a PostgreSQL primary, its streaming replica and Redis
(scripts/services.sh). ``LiveServer.start()`` gives gunicorn a database of its own on
that primary (migrated; the replica streams it too) and a Redis database of its own,
so the HTTP traffic of live tests and the rolled-back tests of pytest-django never see
each other's rows or cache keys. The root conftest.py starts one per session.
"""

import ctypes
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parents[2]
WORKERS = 2
START_TIMEOUT = 60  # seconds: two workers importing Django on a busy machine
PR_SET_PDEATHSIG = 1


def _with_path(url: str, path: str) -> str:
    """``url`` with another path: another database name, or another Redis database."""
    return urlunsplit(urlsplit(url)._replace(path=path))


def _stop_with_parent() -> None:
    """In the child before gunicorn starts: SIGTERM it when pytest dies without its
    teardown (killed), so no orphan keeps serving on a port. Linux's PR_SET_PDEATHSIG."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]
    database: str
    log_path: Path
    process: subprocess.Popen | None = None

    @classmethod
    def start(cls, log_dir: Path) -> "LiveServer":
        primary_url = os.environ["DATABASE_URL"]
        database = f"live_{secrets.token_hex(4)}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DJANGO_DEBUG": "False",
            "DATABASE_URL": _with_path(primary_url, f"/{database}"),
            "DATABASE_REPLICA_URLS": ",".join(
                _with_path(url, f"/{database}")
                for url in os.environ["DATABASE_REPLICA_URLS"].split(",")
            ),
            # Redis databases 0 and 1 are the test process's cache and throttles, which
            # every test flushes: the server's are 2 and 3.
            "REDIS_URL": _with_path(os.environ["REDIS_URL"], "/2"),
            "THROTTLE_REDIS_URL": _with_path(os.environ["REDIS_URL"], "/3"),
            "GUNICORN_WORKERS": str(WORKERS),
            # Every live test comes from 127.0.0.1: limits of one client per IP per hour
            # would make each test depend on how many accounts and orders ran before it.
            "THROTTLE_SIGNUP_IP": "10000/hour",
            "THROTTLE_ORDER_IP": "10000/hour",
            "THROTTLE_HELLO_IP": "10000/hour",
        }
        port = _free_port()
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        server = cls(
            url=f"http://127.0.0.1:{port}",
            env=env,
            database=database,
            log_path=log_dir / "gunicorn.log",
        )
        with psycopg.connect(primary_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        try:
            server.manage("migrate", "--noinput")
            # The replica must have the tables before a worker reads from it.
            subprocess.run([env["TEST_SERVICES_SCRIPT"], "wait-replica"], check=True, env=env)
            server._serve()
        except BaseException:
            server.stop()
            raise
        return server

    def manage(self, *args: str, extra_env: dict[str, str] | None = None) -> str:
        """Run a management command against the live server's database; its stdout."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def create_staff(self, username: str, password: str) -> None:
        self.manage(
            "createsuperuser",
            "--noinput",
            f"--username={username}",
            f"--email={username}@example.com",
            extra_env={"DJANGO_SUPERUSER_PASSWORD": password},
        )

    def _serve(self) -> None:
        log = self.log_path.open("ab")
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [gunicorn, "--config", "config/gunicorn.conf.py", "config.wsgi:application"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_stop_with_parent,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health/live", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer:\n{self.log_tail()}") from None
                time.sleep(0.2)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Stop gunicorn gracefully (killed after 10 s), then drop its database."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.environment import (
    database_from_url,
    development_secret_key,
    env_bool,
    env_list,
    env_networks,
    env_time_zone,
    redis_database_url,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789-abcdefghij",
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
    "DATABASE_URL": "postgres://app:secret@db.example.com:5432/app",
    "DATABASE_REPLICA_URLS": "postgres://app:secret@replica.example.com:5432/app",
    "REDIS_URL": "redis://cache.example.com:6379/0",
}


def run_manage(*arguments: str, environment: dict[str, str]) -> subprocess.CompletedProcess:
    """Start the project in a new process with exactly these variables."""
    clean = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=PROJECT_DIR,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_boolean_with_a_typo_stops_start_up(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG='ture' is not a boolean"):
        env_bool("DJANGO_DEBUG", default=False)


@pytest.mark.parametrize(("raw", "expected"), [("True", True), ("off", False), ("", True)])
def test_booleans_are_read_strictly(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=True) is expected


def test_a_time_zone_with_a_typo_stops_start_up(monkeypatch):
    monkeypatch.setenv("DJANGO_TIME_ZONE", "Europe/Budapset")
    with pytest.raises(ImproperlyConfigured, match="'Europe/Budapset' is not a time zone"):
        env_time_zone("DJANGO_TIME_ZONE", "UTC")


def test_replica_urls_are_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("DATABASE_REPLICA_URLS", " postgres://a/x ,, postgres://b/x ")
    assert env_list("DATABASE_REPLICA_URLS") == ["postgres://a/x", "postgres://b/x"]


def test_metrics_networks_are_addresses_or_networks(monkeypatch):
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.0.0.0/8, 192.168.1.7,::1")
    assert [str(network) for network in env_networks("METRICS_ALLOWED_IPS", "")] == [
        "10.0.0.0/8",
        "192.168.1.7/32",
        "::1/128",
    ]
    monkeypatch.setenv("METRICS_ALLOWED_IPS", "10.0.0.0/8,localhost")
    with pytest.raises(ImproperlyConfigured, match="'localhost' is not an IP address"):
        env_networks("METRICS_ALLOWED_IPS", "")


def test_a_postgres_url_becomes_a_database_entry():
    database = database_from_url("postgres://app:p%40ss@db:6432/shop?sslmode=require")
    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "shop",
        "USER": "app",
        "PASSWORD": "p@ss",
        "HOST": "db",
        "PORT": "6432",
        "OPTIONS": {"sslmode": "require"},
    }


def test_the_throttles_get_another_database_of_the_same_redis():
    assert redis_database_url("redis://:secret@cache:6379/0", 1) == "redis://:secret@cache:6379/1"
    assert redis_database_url("", 1) == ""


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="Unsupported database URL"):
        database_from_url("mysql://db/app")


def test_production_refuses_to_start_without_a_secret():
    result = run_manage("check", environment={})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_the_embedded_setup_needs_no_variable_but_debug():
    result = run_manage("check", environment={"DJANGO_DEBUG": "True"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION_ENVIRONMENT
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_development_secret_key_is_random_per_machine_and_kept_across_restarts(tmp_path):
    here = development_secret_key(tmp_path / "here")
    elsewhere = development_secret_key(tmp_path / "elsewhere")

    assert len(here) >= 50
    assert here != elsewhere
    assert development_secret_key(tmp_path / "here") == here
    assert (tmp_path / "here").stat().st_mode & 0o777 == 0o600


def print_setting(expression: str, environment: dict[str, str]) -> str:
    result = run_manage(
        "shell",
        "--verbosity=0",
        "-c",
        f"from django.conf import settings; print({expression})",
        environment=environment,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_without_a_secret_signs_with_the_key_of_this_checkout_not_a_constant():
    key = print_setting("settings.SECRET_KEY", {"DJANGO_DEBUG": "True"})
    assert key == (PROJECT_DIR / ".dev-secret-key").read_text().strip()
    assert "development-only" not in key
    assert print_setting("settings.SIMPLE_JWT['SIGNING_KEY']", {"DJANGO_DEBUG": "True"}) == key


def test_jwts_are_signed_with_jwt_signing_key_when_set_else_with_the_secret_key():
    signing_key = "settings.SIMPLE_JWT['SIGNING_KEY']"
    secret = PRODUCTION_ENVIRONMENT["DJANGO_SECRET_KEY"]
    assert print_setting(signing_key, PRODUCTION_ENVIRONMENT) == secret
    own = {**PRODUCTION_ENVIRONMENT, "JWT_SIGNING_KEY": "a-key-for-tokens-only-0123456789"}
    assert print_setting(signing_key, own) == "a-key-for-tokens-only-0123456789"

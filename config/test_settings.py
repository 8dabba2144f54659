"""Settings for the test suite: the real settings, with test-only defaults.

The services themselves (PostgreSQL primary and replica, Redis) come from the same
environment variables as in production; ``make test`` starts them.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "False")
# Tasks run where they are queued, so that a test sees their mail; the tests of the
# worker itself switch to the database backend.
os.environ.setdefault("TASKS_IMMEDIATE", "True")

from config.settings import *  # noqa: F403

# Hashing passwords slowly is a production feature, not something tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The manifest of hashed names exists only after collectstatic (the image build).
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / ".pytest_cache" / "media"  # noqa: F405

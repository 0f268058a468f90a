"""The one test override: fast hashing, plain static storage, immediate tasks."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "0123456789" * 4)

from cerego.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
LOGGING["root"] = {"handlers": ["console"], "level": "WARNING"}  # noqa: F405
# Serve static files from the source folders: tests never run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: threads in concurrency tests then queue on
    # the write lock (IMMEDIATE + timeout) as in production, instead of "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".pytest-db.sqlite3")}  # noqa: F405
FSRS_ENABLE_FUZZING = False  # intervals tests can predict; one test turns it on

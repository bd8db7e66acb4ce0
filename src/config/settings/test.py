"""Test settings: fast hashing, in-memory SQLite unless FUPIN_DATABASE_URL points at PostgreSQL."""

from .base import *
from .base import BASE_DIR, LOGGING_CLIENT_ERRORS, database_from_env

DEBUG = False
SECRET_KEY = "fupin-test-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES = {"default": database_from_env(BASE_DIR / "var" / "test.sqlite3")}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
AXES_COOLOFF_TIME = None  # locked stays locked until reset: tests must not depend on the clock
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"null": {"class": "logging.NullHandler"}},
    "root": {"handlers": ["null"], "level": "ERROR"},
    **LOGGING_CLIENT_ERRORS,
}

# Files the services keep (archived imports, error workbooks) go to a throw-away directory per test process.
import tempfile as _tempfile  # noqa: E402
from pathlib import Path as _Path  # noqa: E402

DATA_DIR = _Path(_tempfile.mkdtemp(prefix="fupin-test-"))

# Every test sees the database as it is: no cached dashboard structure carried from one test to the next.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}

# Jobs run in the test process when their transaction commits (tests capture on_commit callbacks to run them).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

"""Settings shared by every environment. Secrets and deployment facts come from the environment only."""

import contextlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from fupin.lib.safefiles import Limits

BASE_DIR = Path(__file__).resolve().parents[3]
DATA_DIR = Path(os.environ.get("FUPIN_DATA_DIR", BASE_DIR / "var"))

# The embedded demo runs with a throw-away key; production.py refuses to start without FUPIN_SECRET_KEY.
SECRET_KEY = os.environ.get("FUPIN_SECRET_KEY", "fupin-insecure-development-key-change-me")
DEBUG = os.environ.get("FUPIN_DEBUG", "0") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("FUPIN_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its Swagger UI from static files (the machine reaches no CDN)
    "fupin.core",
    "fupin.areas",
    "fupin.accounts",
    "fupin.audit",
    "fupin.jobs",
    "fupin.submissions",
    "fupin.policy",
    "fupin.registry",
    "fupin.external",
    "fupin.checks",
    "fupin.stats",
    "fupin.cadres",
    "fupin.fieldwork",
    "fupin.partyorg",
    "fupin.monitoring",
    "fupin.assessment",
    "fupin.seed",
    "fupin.web",
    "fupin.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fupin.core.middleware.RefuseNulMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fupin.core.middleware.ApiConditionalGetMiddleware",  # ETags and 304s for the API's reads
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fupin.core.middleware.ApplicationErrorMiddleware",
    # Axes must come last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fupin.web.common.context.navigation",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """FUPIN_DATABASE_URL selects PostgreSQL (production, CI); without it the embedded SQLite file is used."""
    # WAL lets readers run beside the single writer; IMMEDIATE avoids lock upgrades mid-transaction (a SQLite file
    # named by FUPIN_DATABASE_URL gets them too: without them concurrent writers fail with "database is locked")
    sqlite_options = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=60000;",
        "transaction_mode": "IMMEDIATE",
    }
    url = os.environ.get("FUPIN_DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        if str(config.get("ENGINE", "")).endswith("sqlite3"):
            config["OPTIONS"] = {**sqlite_options, **dict(config.get("OPTIONS") or {})}  # type: ignore[call-overload]
        return config
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite), "OPTIONS": sqlite_options}


DATABASES = {"default": database_from_env(DATA_DIR / "fupin.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 10 wrong passwords for one user name lock that account until an administrator resets it
# (`fupin axes_reset_username NAME`) or the cool-off passes.
# Requests per personal API token (apps, integrations), as "N/period" (s, min, hour, day).
FUPIN_API_TOKEN_RATE = os.environ.get("FUPIN_API_TOKEN_RATE", "600/min")
AXES_FAILURE_LIMIT = int(os.environ.get("FUPIN_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME: timedelta | None = timedelta(minutes=int(os.environ.get("FUPIN_LOCKOUT_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
# One cache for every server process when FUPIN_CACHE_URL names a Redis (redis://host:6379/0): dashboards are then
# rendered once per indicator refresh for all workers; without it each process keeps its own (LocMemCache).
# The "throttle" cache counts failed password checks (the same store, under its own name, so tests can keep it
# while they switch the page cache off).
_CACHE = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["FUPIN_CACHE_URL"]}
    if os.environ.get("FUPIN_CACHE_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)
CACHES = {"default": _CACHE, "throttle": {**_CACHE, "KEY_PREFIX": "throttle"}}
# Sessions are read from the cache and written through to the database: one query less on every page.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# A refused or missing page (4xx) is logged as one line, without the traceback Django attaches to it.
LOGGING_CLIENT_ERRORS = {
    "filters": {"client_errors": {"()": "fupin.core.logfilters.ClientErrorsWithoutTraceback"}},
    "loggers": {"django.request": {"filters": ["client_errors"]}},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FUPIN_LOG_LEVEL", "WARNING")},
    **LOGGING_CLIENT_ERRORS,
}

# WhiteNoise serves the apps' static files through the finders (WHITENOISE_USE_FINDERS) until `collectstatic` fills
# STATIC_ROOT, and warns at every start while that directory is missing: it is created empty.
with contextlib.suppress(OSError):  # a read-only data directory: the finders still serve every file
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Lockout is per user name on purpose: township offices share one NAT address, and locking an address would
# lock out a whole office because of one person's typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Uploaded spreadsheets are held against these limits before any parser sees them (fupin.lib.safefiles); the web
# parses them in a child process capped at UPLOAD_LIMITS.parse_memory. Each limit can be set from the environment.
_MB = 1 << 20
UPLOAD_LIMITS = Limits(
    max_bytes=int(os.environ.get("FUPIN_UPLOAD_MAX_MB", "50")) * _MB,
    max_rows=int(os.environ.get("FUPIN_UPLOAD_MAX_ROWS", "300000")),
    max_columns=int(os.environ.get("FUPIN_UPLOAD_MAX_COLUMNS", "200")),
    max_unzipped=int(os.environ.get("FUPIN_UPLOAD_MAX_UNZIPPED_MB", "400")) * _MB,
    max_shared_strings=int(os.environ.get("FUPIN_UPLOAD_MAX_STRINGS_MB", "100")) * _MB,
    parse_memory=int(os.environ.get("FUPIN_UPLOAD_PARSE_MEMORY_MB", "3072")) * _MB,
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * _MB  # form fields; files stream to disk (FILE_UPLOAD_MAX_MEMORY_SIZE)
# A check run stages the area's tables to Parquet county by county and runs the rules on DuckDB over the files
# within this much memory, spilling to disk beyond it (docs/benchmarks.md: the province under 2 GB in all).
CHECK_MEMORY_LIMIT = os.environ.get("FUPIN_CHECK_MEMORY", "1GB")
IMPORT_ERRORS_KEEP_DAYS = int(os.environ.get("FUPIN_IMPORT_ERRORS_KEEP_DAYS", "30"))  # then they are deleted

# Background jobs (fupin.jobs): Django's tasks framework (the django-tasks backport on 5.2) with its database queue,
# in the same database as everything else — no broker to run. `fupin worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Above this many rows an export or import from the web runs as a background job with progress.
JOB_ROWS_THRESHOLD = int(os.environ.get("FUPIN_JOB_ROWS_THRESHOLD", "20000"))
# An upload larger than this (about 10,000 rows) is imported as a background job rather than while the page waits.
IMPORT_JOB_BYTES = int(os.environ.get("FUPIN_IMPORT_JOB_BYTES", str(1024 * 1024)))
# The audit chain's HMAC key; production.py requires FUPIN_AUDIT_KEY (kept apart from the database and its backups).
AUDIT_KEY = os.environ.get("FUPIN_AUDIT_KEY", "audit:" + SECRET_KEY)

# Content-Security-Policy: scripts and everything else from this site only (ECharts is vendored, nothing from a CDN).
# Inline styles stay allowed: ECharts writes its tooltips as HTML with style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

"""Production: PostgreSQL, secrets from the environment, HTTPS-only cookies."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEBUG = False

SECRET_KEY = os.environ.get("FUPIN_SECRET_KEY", "")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("FUPIN_SECRET_KEY must be set to a random string of at least 32 characters")
AUDIT_KEY = os.environ.get("FUPIN_AUDIT_KEY", "")
if len(AUDIT_KEY) < 32 or AUDIT_KEY == SECRET_KEY:
    raise ImproperlyConfigured(
        "FUPIN_AUDIT_KEY must be set to a random string of at least 32 characters, not the secret key"
    )
if not os.environ.get("FUPIN_DATABASE_URL"):
    raise ImproperlyConfigured("FUPIN_DATABASE_URL must point at the production PostgreSQL database")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_SSL_REDIRECT = os.environ.get("FUPIN_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False  # preload lists are hard to leave: each deployment opts in for its own domain
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("FUPIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

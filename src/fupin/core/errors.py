"""One error base for the whole application.

Services raise these; faces (web, API, CLI) turn them into a message for the user. ``message`` is Chinese and
meant for users; ``code`` is stable and meant for programs and logs.
"""

from __future__ import annotations


class ApplicationError(Exception):
    code = "application_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, extra: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    """Also raised for objects outside the viewer's area, so that their existence is not revealed."""

    code = "not_found"
    http_status = 404


class PermissionDeniedError(ApplicationError):
    code = "permission_denied"
    http_status = 403


class ConflictError(ApplicationError):
    """Another write got there first (e.g. two imports of one file at once); nothing of this one was written."""

    code = "conflict"
    http_status = 409


class ValidationError(ApplicationError):
    code = "invalid"
    http_status = 400

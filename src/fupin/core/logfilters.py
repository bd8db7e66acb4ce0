"""Logging filters the settings install (``LOGGING``)."""

from __future__ import annotations

import logging

CLIENT_ERROR, SERVER_ERROR = 400, 500


class ClientErrorsWithoutTraceback(logging.Filter):
    """On ``django.request``: a 4xx answer (403 refused, 404 not found, 400 bad request) is logged as one line.

    Django logs a ``PermissionDenied`` or ``Http404`` raised in a view with the exception attached, so every refused
    page wrote a whole traceback to the server log — for an expected answer, not a fault. The record keeps its
    level and message (``Forbidden (Permission denied): /audit/``); 5xx answers keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and CLIENT_ERROR <= status < SERVER_ERROR:
            record.exc_info = None
            record.exc_text = None
        return True

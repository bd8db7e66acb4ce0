from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError, NotFoundError


class ApplicationErrorMiddleware:
    """Turns an ApplicationError escaping a web view into a Chinese error page with the right status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            raise Http404(exception.message)
        if isinstance(exception, ApplicationError):
            return render(
                request,
                "core/error.html",
                {"message": exception.message, "code": exception.code},
                status=exception.http_status,
            )
        return None

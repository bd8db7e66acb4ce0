import json
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.response import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.shortcuts import render
from django.utils.cache import patch_cache_control, patch_vary_headers

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


TEXT = "text/plain; charset=utf-8"


class RefuseNulMiddleware:
    """A NUL byte in the path, the query or a form field is refused with 400 before any view or database sees it
    (PostgreSQL cannot store one in text, which made 28 URLs answer 500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            message = "请求中含有非法字符（空字符），已拒绝"
            if request.path.startswith("/api/"):  # the API answers problem details, as for every other error
                problem = {"type": "urn:fupin:problem:bad_request", "title": "请求有误", "status": 400,
                           "detail": message, "code": "bad_request", "message": message}  # fmt: skip
                body = json.dumps(problem, ensure_ascii=False)
                return HttpResponseBadRequest(body, content_type="application/problem+json; charset=utf-8")
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _has_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETags for the API's reads: a GET answered before is answered again with 304 Not Modified when the client's
    ``If-None-Match`` still matches (the body's digest), so a phone re-syncing an unchanged list downloads nothing.
    The web's pages are left alone (their CSRF tokens make every body different anyway)."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if not request.path.startswith("/api/"):
            return response
        # each user sees their own area: never shared by a proxy, always revalidated (cheaply, by the ETag)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        patch_cache_control(response, private=True, no_cache=True)
        return super().process_response(request, response)

"""REST API (OpenAPI at /api/docs). Session authentication with CSRF for the browser; every read is scoped.

One NinjaAPI; each domain brings its router and schemas (``areas``, ``accounts``, ``audit``, ``monitoring``).
Errors of the services become ``{"code", "message"}`` with their HTTP status here, for every router."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.security import django_auth

from fupin.core import codes
from fupin.core.errors import ApplicationError

from .accounts import router as accounts_router
from .areas import router as areas_router
from .audit import router as audit_router
from .monitoring import router as monitoring_router

# The schema and its docs page are for signed-in users only (they describe every operation).
api = NinjaAPI(
    title="扶贫管理平台 API", version="1", auth=django_auth, urls_namespace="api", docs_decorator=login_required
)


@api.exception_handler(RawPostDataException)
def form_instead_of_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form post (multipart) where JSON is expected: the body was read as a form already — say so, not 500."""
    message = "请求内容应为 JSON（Content-Type: application/json）"
    return api.create_response(request, {"code": "bad_request", "message": message}, status=400)


@api.exception_handler(codes.AreaCodeError)
def bad_area_code(request: HttpRequest, exc: codes.AreaCodeError) -> HttpResponse:
    """An area code in a query that is not one (``?area=²``): a 400 naming it, as the web pages do."""
    return api.create_response(request, {"code": "bad_request", "message": str(exc)}, status=400)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.message}, status=exc.http_status)


api.add_router("", accounts_router)
api.add_router("", areas_router)
api.add_router("", audit_router)
api.add_router("", monitoring_router)

"""REST API (OpenAPI at /api/docs, served from the project's static files). Every read is scoped.

One NinjaAPI; each domain brings its router and schemas (``areas``, ``accounts``, ``audit``, ``registry``,
``checks``, ``monitoring``).

Authentication: a personal access token (``Authorization: Bearer fp_…``, made on the page 接口令牌) for apps and
integrations, or the browser's session (with CSRF). A token acts as its user; a read-only one cannot write; each
token has its own rate limit (``FUPIN_API_TOKEN_RATE``).

Errors are RFC 9457 problem details (``application/problem+json``) for every router: ``type``, ``title``,
``status``, ``detail`` — plus ``code`` (stable, for programs) and ``message`` (the Chinese text, = ``detail``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import SimpleRateThrottle

from fupin.accounts.tokens import token_authenticate
from fupin.core import codes
from fupin.core.errors import ApplicationError, PermissionDeniedError

from .accounts import router as accounts_router
from .areas import router as areas_router
from .audit import router as audit_router
from .checks import router as checks_router
from .monitoring import router as monitoring_router
from .registry import router as registry_router

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TITLES = {
    400: "请求有误",
    401: "未认证",
    403: "无权操作",
    404: "对象不存在",
    409: "操作冲突",
    422: "请求参数不符合要求",
    429: "请求过于频繁",
}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer fp_…``. No header: the next method (the session) is tried; a bad token is a 401
    that says why, never a fall-through to the session."""

    openapi_description = "个人接口令牌（在页面顶部“接口令牌”申请），请求头 Authorization: Bearer fp_…"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user, access = token_authenticate(token)
        if request.method not in SAFE_METHODS and not access.writes:
            raise PermissionDeniedError("此令牌为只读令牌，不能提交或修改数据", code="read_only_token")
        request.access_token = access  # type: ignore[attr-defined]
        return user


class TokenRateThrottle(SimpleRateThrottle):
    """Requests per token (a session is not limited here: the login throttle and the web's own limits apply)."""

    cache = caches["throttle"]

    def __init__(self) -> None:
        super().__init__(rate=settings.FUPIN_API_TOKEN_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.FUPIN_API_TOKEN_RATE  # read per request, so that it can be changed without a restart
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "access_token", None)
        return None if token is None else f"api-token:{token.pk}"


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; detail = message (Chinese), code is stable for programs",
    "required": ["type", "title", "status", "detail", "code", "message"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}


class FupinAPI(NinjaAPI):
    """The schema documents every operation's errors: each may answer the problem details of TITLES' statuses."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, title in TITLES.items():
                    responses.setdefault(
                        str(status), {"description": title, "content": {"application/problem+json": {"schema": ref}}}
                    )
        return schema


# The schema and its docs page are for signed-in users only (they describe every operation).
api = FupinAPI(
    title="扶贫管理平台 API",
    version="1",
    auth=[TokenAuth(), django_auth],
    throttle=[TokenRateThrottle()],
    urls_namespace="api",
    docs_decorator=login_required,
)


def problem(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    """An RFC 9457 problem details response."""
    body = {
        "type": f"urn:fupin:problem:{code}",
        "title": TITLES.get(status, "请求失败"),
        "status": status,
        "detail": message,
        "code": code,
        "message": message,
        **extra,
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = "application/problem+json; charset=utf-8"
    return response


@api.exception_handler(RawPostDataException)
def form_instead_of_json(request: HttpRequest, exc: RawPostDataException) -> HttpResponse:
    """A form post (multipart) where JSON is expected: the body was read as a form already — say so, not 500."""
    return problem(request, 400, "bad_request", "请求内容应为 JSON（Content-Type: application/json）")


@api.exception_handler(codes.AreaCodeError)
def bad_area_code(request: HttpRequest, exc: codes.AreaCodeError) -> HttpResponse:
    """An area code in a query that is not one (``?area=²``): a 400 naming it, as the web pages do."""
    return problem(request, 400, "bad_request", str(exc))


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = problem(request, exc.http_status, exc.code, exc.message)
    if exc.http_status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fupin"'
    return response


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "not_authenticated", "请先登录，或在请求头中提供有效的接口令牌")
    response["WWW-Authenticate"] = 'Bearer realm="fupin"'
    return response


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = f"，请 {int(exc.wait) + 1} 秒后再试" if exc.wait else "，请稍后再试"
    return problem(request, 429, "throttled", "此令牌的请求过于频繁" + wait)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:  # ninja's own refusal: the CSRF check of a session's write
        return problem(request, 403, "csrf_failed", "请求缺少有效的 CSRF 令牌（浏览器会话提交数据时需要）")
    return problem(request, exc.status_code, "http_error", exc.message)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not_found", "对象不存在或不在您的管辖范围内")


@api.exception_handler(RequestValidationError)
def invalid_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
    """Pydantic's errors, one line each in Chinese naming the field (``body.visited_on``), and the raw list."""
    lines = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()))
        lines.append(f"{where}：{_reason(error)}")
    errors = [{"loc": list(e.get("loc", ())), "type": e.get("type", "")} for e in exc.errors]
    return problem(request, 422, "invalid_request", "；".join(lines) or "请求参数不符合要求", errors=errors)


REASONS = (  # pydantic's error type (a part of it) → what to tell the caller
    ("missing", "必填"),
    ("date", "日期格式应为 YYYY-MM-DD"),
    ("int", "应为整数"),
    ("bool", "应为 true 或 false"),
    ("json", "JSON 格式有误"),
)


def _reason(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    if kind == "string_pattern_mismatch" and tuple(error.get("loc", ()))[-1:] == ("area",):
        return "格式不符合要求（区划代码为 2、4、6、9 或 12 位数字）"
    return next((text for part, text in REASONS if part in kind), "格式不符合要求")


api.add_router("", accounts_router)
api.add_router("", areas_router)
api.add_router("", audit_router)
api.add_router("", registry_router)
api.add_router("", checks_router)
api.add_router("", monitoring_router)

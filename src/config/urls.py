from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from fupin.api.api import api

admin.site.site_header = "扶贫管理平台 · 后台"
admin.site.site_title = "扶贫管理平台"
admin.site.index_title = "数据管理"


def _no_shortcut(request: HttpRequest, rest: str) -> HttpResponse:
    """Django admin's "view on site" redirect (/admin/r/<type>/<pk>/) resolves any object without a scope check:
    it would let staff enumerate every household number, so it does not exist here."""
    raise Http404("不存在")


urlpatterns = [
    path("admin/r/<path:rest>", _no_shortcut),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("fupin.web.urls")),
]

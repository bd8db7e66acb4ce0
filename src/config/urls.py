from django.contrib import admin
from django.urls import include, path

from fupin.api.api import api

admin.site.site_header = "扶贫管理平台 · 后台"
admin.site.site_title = "扶贫管理平台"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("fupin.web.urls")),
]

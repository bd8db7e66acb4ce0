from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("areas/<str:code>/map.geojson", views.area_map, name="area-map"),
    path("areas/<str:code>/export.<str:fmt>", views.area_export, name="area-export"),
    path("search/", views.search, name="search"),
]

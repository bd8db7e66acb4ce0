from django.urls import path

from . import views

urlpatterns = [
    path("dispatch/", views.dispatch_plans, name="dispatch"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("cadres/export.<str:fmt>", views.cadre_export, name="cadre-export"),
    path("cadres/<int:cadre_id>/", views.cadre_detail, name="cadre-detail"),
    path("dispatch/<int:plan_id>/", views.dispatch_plan_detail, name="dispatch-plan"),
]

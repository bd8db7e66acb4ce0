from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("areas/<str:code>/", views.area_detail, name="area-detail"),
    path("areas/<str:code>/map.geojson", views.area_map, name="area-map"),
    path("areas/<str:code>/export.<str:fmt>", views.area_export, name="area-export"),
    path("search/", views.search, name="search"),
    path("households/", views.household_list, name="household-list"),
    path("households/export.<str:fmt>", views.household_export, name="household-export"),
    path("imports/", views.import_page, name="import"),
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/export.<str:fmt>", views.finding_export, name="finding-export"),
    path("policy/", views.policy_page, name="policy"),
    path("dispatch/", views.dispatch_plans, name="dispatch"),
    path("cadres/", views.cadre_list, name="cadre-list"),
    path("cadres/export.<str:fmt>", views.cadre_export, name="cadre-export"),
    path("cadres/<int:cadre_id>/", views.cadre_detail, name="cadre-detail"),
    path("dispatch/<int:plan_id>/", views.dispatch_plan_detail, name="dispatch-plan"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:finding_id>/transition/", views.finding_transition_view, name="finding-transition"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:batch_id>/errors.xlsx", views.import_errors, name="import-errors"),
    path("households/<str:household_no>/", views.household_detail, name="household-detail"),
    path("households/<str:household_no>/procedures/", views.procedure_open_view, name="procedure-open"),
    path(
        "households/<str:household_no>/procedures/<int:procedure_id>/step/",
        views.procedure_step_view,
        name="procedure-step",
    ),
    path("audit/", views.audit_list, name="audit-list"),
]

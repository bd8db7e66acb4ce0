from django.urls import path

from . import evaluate_views, views

urlpatterns = [
    path("findings/", views.finding_list, name="finding-list"),
    path("findings/bulk/", views.finding_bulk_view, name="finding-bulk"),
    path("findings/export.<str:fmt>", views.finding_export, name="finding-export"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding-detail"),
    path("findings/<int:finding_id>/transition/", views.finding_transition_view, name="finding-transition"),
    path("findings/<int:finding_id>/case/", views.finding_case, name="finding-case"),
    path("evaluate/", evaluate_views.evaluate_page, name="evaluate"),
    path("evaluate/template.xlsx", evaluate_views.evaluate_template, name="evaluate-template"),
]

from django.urls import path

from . import print_views, views

urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/export.<str:fmt>", views.household_export, name="household-export"),
    path("imports/", views.import_page, name="import"),
    path("imports/template.xlsx", views.import_template, name="import-template"),
    path("imports/<int:batch_id>/errors.xlsx", views.import_errors, name="import-errors"),
    path("households/<str:household_no>/", views.household_detail, name="household-detail"),
    path("households/<str:household_no>/procedures/", views.procedure_open_view, name="procedure-open"),
    path("households/<str:household_no>/years/", views.household_year_pick, name="household-year-pick"),
    path("households/<str:household_no>/years/<int:year>/", views.household_year_edit, name="household-year"),
    path(
        "households/<str:household_no>/procedures/<int:procedure_id>/step/",
        views.procedure_step_view,
        name="procedure-step",
    ),
    path("households/<str:household_no>/card.pdf", print_views.household_card_pdf, name="household-card-pdf"),
    path("procedures/<int:procedure_id>/notice.pdf", print_views.procedure_notice_pdf, name="procedure-notice-pdf"),
    path("procedures/<int:procedure_id>/minutes.pdf", print_views.procedure_minutes_pdf, name="procedure-minutes-pdf"),
]

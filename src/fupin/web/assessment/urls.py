from django.urls import path

from . import views

urlpatterns = [
    path("assessment/", views.index, name="assessment"),
    path("assessment/schemes/<int:scheme_id>/", views.scheme, name="assessment-scheme"),
    path("assessment/results/<int:result_id>/", views.result, name="assessment-result"),
    path("assessment/cases/", views.case_list, name="assessment-cases"),
    path("assessment/cases/<int:case_id>/", views.case, name="assessment-case"),
    path("assessment/leaders/", views.leaders, name="assessment-leaders"),
    path("assessment/campaigns/", views.campaign_list, name="assessment-campaigns"),
    path("assessment/campaigns/<int:campaign_id>/", views.campaign, name="assessment-campaign"),
    path("assessment/units/", views.units, name="assessment-units"),
    path("assessment/units/run/", views.units_run, name="assessment-units-run"),
    path("assessment/units/<int:grade_id>/interview/", views.unit_interview, name="assessment-unit-interview"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("monitoring/", views.overview, name="monitoring"),
    path("monitoring/run/", views.run, name="monitoring-run"),
    path("monitoring/<int:case_id>/", views.case, name="monitoring-case"),
    path("monitoring/household/<str:household_no>/", views.household, name="monitoring-household"),
]

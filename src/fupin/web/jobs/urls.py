from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/start/", views.job_start_view, name="job-start"),
    path("jobs/<int:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<int:job_id>/state.json", views.job_state_json, name="job-state"),
    path("jobs/<int:job_id>/download", views.job_download, name="job-download"),
    path("jobs/<int:job_id>/rerun/", views.job_rerun_view, name="job-rerun"),
]

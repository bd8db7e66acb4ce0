"""The web pages, one module per domain; every URL path and name is the domain's ``urls``."""

from django.urls import include, path

urlpatterns = [
    path("", include("fupin.web.areas.urls")),
    path("", include("fupin.web.accounts.urls")),
    path("", include("fupin.web.registry.urls")),
    path("", include("fupin.web.checks.urls")),
    path("", include("fupin.web.policy.urls")),
    path("", include("fupin.web.cadres.urls")),
    path("", include("fupin.web.fieldwork.urls")),
    path("", include("fupin.web.partyorg.urls")),
    path("", include("fupin.web.monitoring.urls")),
    path("", include("fupin.web.assessment.urls")),
    path("", include("fupin.web.audit.urls")),
    path("", include("fupin.web.jobs.urls")),
    path("", include("fupin.web.odk.urls")),
]

from django.urls import path

from . import views

urlpatterns = [
    path("odk/", views.inbox, name="odk-inbox"),
    path("odk/formList", views.form_list, name="odk-form-list"),
    path("odk/forms/<slug:form_id>/form.xml", views.form_xml, name="odk-form"),
    path("odk/forms/<slug:form_id>/manifest", views.manifest, name="odk-manifest"),
    path("odk/submission", views.submission, name="odk-submission"),
]

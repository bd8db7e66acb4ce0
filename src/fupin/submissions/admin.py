from django.contrib import admin

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(ScopedReadOnlyAdmin):
    list_display = ("received_at", "form_id", "user", "channel", "outcome", "message", "result")
    list_filter = ("channel", "outcome", "form_id")
    search_fields = ("client_id", "user__username", "message")
    list_select_related = ("user",)

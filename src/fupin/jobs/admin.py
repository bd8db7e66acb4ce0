from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered

from fupin.core.admin_base import ScopedReadOnlyAdmin

from .models import Job

# The queue's own table (django-tasks-db) holds task ids and tracebacks of any area: not shown in the admin; jobs are
# read through the scoped Job rows instead.
try:
    from django_tasks_db.models import DBTaskResult

    admin.site.unregister(DBTaskResult)
except (ImportError, NotRegistered):  # pragma: no cover - the backend's admin is optional
    pass


@admin.register(Job)
class JobAdmin(ScopedReadOnlyAdmin):
    list_display = ("id", "title", "status", "area_code", "user", "created_at", "finished_at")
    list_filter = ("status", "kind")

from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "fupin.submissions"
    verbose_name = "设备提交"
    default_auto_field = "django.db.models.BigAutoField"

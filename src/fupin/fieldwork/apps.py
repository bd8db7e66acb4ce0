from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    """驻村管理: what first secretaries and resident cadres do in their village, and how they are managed."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fupin.fieldwork"
    verbose_name = "驻村管理"

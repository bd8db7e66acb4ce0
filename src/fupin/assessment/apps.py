from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """压实责任: assessment schemes two levels down (下考两级), rankings and their consequences, helping units'
    grades, and accountability cases (约谈、问责、整改、销号、容错纠错)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fupin.assessment"
    verbose_name = "考核问责"

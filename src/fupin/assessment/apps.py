from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """压实责任: assessment schemes two levels down (下考两级), rankings and their consequences, helping units'
    grades, and accountability cases (约谈、问责、整改、销号、容错纠错)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fupin.assessment"
    verbose_name = "考核问责"

    def ready(self) -> None:
        """The background job that runs a year's schemes at once (fupin.jobs)."""
        from fupin.jobs.handlers import register

        from . import jobs

        register("assessment.run_all", title="运行全部考核方案 {area} {year} 年", permission="assessment.scheme",
                 run=jobs.run_all)  # fmt: skip

from django.apps import AppConfig


class PartyorgConfig(AppConfig):
    """建强组织: village Party organizations, their two committees, secretaries, elections, reviews and 软弱涣散."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fupin.partyorg"
    verbose_name = "村级党组织"

    def ready(self) -> None:
        """The background job of the identification (fupin.jobs)."""
        from fupin.jobs.handlers import register

        from . import jobs

        register("partyorg.identify", title="软弱涣散村党组织排查 {area} {year} 年", permission="partyorg.identify",
                 run=jobs.identify)  # fmt: skip

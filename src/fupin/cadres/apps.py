from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "fupin.cadres"
    verbose_name = "驻村干部"

    def ready(self) -> None:
        """The cadres' background jobs (fupin.jobs): generating a dispatch plan (an optimisation over the county)."""
        from fupin.jobs.handlers import register

        from . import jobs

        register("cadres.dispatch_plan", title="生成{area} {round_year} 年选派方案", permission="dispatch.plan",
                 run=jobs.dispatch_plan)  # fmt: skip

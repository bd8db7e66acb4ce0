from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "fupin.stats"
    verbose_name = "统计指标"

    def ready(self) -> None:
        """Indicators follow what the domains announce (fupin.core.events); the domains never call stats."""
        from fupin.core import events

        from . import services

        events.subscribe("checks.run_finished", services.on_check_run_finished)
        events.subscribe("cadres.postings_changed", services.on_postings_changed)
        events.subscribe("audit.recorded", services.on_audit_recorded)
        register_jobs()


def register_jobs() -> None:
    from fupin.jobs.handlers import register

    from . import jobs

    register("stats.refresh", title="更新{area}的统计指标", permission="stats.refresh", run=jobs.refresh)
    register("stats.refresh_due", title="更新变更涉及区划的统计指标", permission="stats.refresh", run=jobs.refresh_due)

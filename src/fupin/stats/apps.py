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

from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """防止返贫动态监测和帮扶: intake from three channels, identification in a time limit, help, risk elimination."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "fupin.monitoring"
    verbose_name = "防返贫监测"

    def ready(self) -> None:
        """The monitoring run as a background job; the case follows its procedures; risk elimination's verdict."""
        from fupin.core import events
        from fupin.jobs.handlers import register
        from fupin.registry.verdicts import register_verdict

        from . import jobs, services

        register("monitoring.run", title="防返贫监测比对和风险评分 {area}", permission="monitoring.run", run=jobs.run)
        events.subscribe("registry.procedure_closed", services.on_procedure_closed)
        register_verdict("monitoring", services.monitoring_verdict)
        register_verdict("elimination", services.elimination_verdict)

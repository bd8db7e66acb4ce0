from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "fupin.checks"
    verbose_name = "专项治理核查"

    def ready(self) -> None:
        """The checks' background jobs (fupin.jobs)."""
        from fupin.jobs.handlers import register

        from . import jobs

        register("checks.run", title="核查 {area} {year} 年", permission="checks.run", run=jobs.run)
        # an evaluation reads only its own file and the policy parameters: the scope alone decides
        register("checks.evaluate", title="退出评估 {file}（{year} 年）", permission="", run=jobs.evaluate)

from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    verbose_name = "建档立卡"

    def ready(self) -> None:
        """The registry's background jobs (fupin.jobs): large exports and imports from the web."""
        from fupin.jobs.handlers import register

        from . import jobs

        # exports are reads: the scope alone decides (permission ""), and ID numbers are masked by the user's role
        register("registry.export_households", title="导出{area}贫困户家庭成员", permission="",
                 run=jobs.export_households)  # fmt: skip
        register("registry.export_years", title="导出{area} {year} 年度动态调整记录", permission="",
                 run=jobs.export_years)  # fmt: skip
        register("registry.import_households", title="导入{file}", permission="registry.import",
                 run=jobs.import_households)  # fmt: skip

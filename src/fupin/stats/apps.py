from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "fupin.stats"
    verbose_name = "统计指标"

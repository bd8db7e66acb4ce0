from django.apps import AppConfig


class SeedConfig(AppConfig):
    name = "fupin.seed"
    verbose_name = "演示与合成数据"

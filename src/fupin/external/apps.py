from django.apps import AppConfig


class ExternalConfig(AppConfig):
    name = "fupin.external"
    verbose_name = "部门比对数据"

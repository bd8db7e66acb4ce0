from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "fupin.cadres"
    verbose_name = "驻村干部"

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fupin.accounts"
    verbose_name = "用户与权限"

    def ready(self) -> None:
        """Install the role × action table behind fupin.core.permissions (core imports no app)."""
        from fupin.core import permissions as plumbing

        from . import permissions

        plumbing.install(permissions.titles(), permissions.refusal)

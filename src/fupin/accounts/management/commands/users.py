from typing import Any

from django.core.management.base import CommandError, CommandParser

from fupin.accounts.models import Role, User
from fupin.accounts.services import user_create, user_password_set
from fupin.core.commands import FupinCommand


class Command(FupinCommand):
    help = "用户：create 新建用户（角色+区划）；password 重置密码；list 列出用户"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="新建用户")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--area", required=True, help="所属区划代码（2/4/6/9/12 位）")
        create.add_argument("--name", default="", help="姓名")
        create.add_argument("--password", required=True)
        self.add_user_argument(create)
        pw = sub.add_parser("password", help="重置密码")
        pw.add_argument("username")
        pw.add_argument("--password", required=True)
        self.add_user_argument(pw)
        sub.add_parser("list", help="列出用户")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = options["actor"]
        if options["action"] == "create":
            user = user_create(
                actor=actor,
                username=options["username"],
                password=options["password"],
                role=options["role"],
                area_code=options["area"],
                display_name=options["name"],
            )
            self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}，{user.area}）")
        elif options["action"] == "password":
            target = User.objects.filter(username=options["username"]).first()
            if target is None:
                raise CommandError(f"用户“{options['username']}”不存在")
            user_password_set(actor=actor, user=target, password=options["password"])
            self.stdout.write("密码已重置")
        else:
            for u in User.objects.select_related("area").order_by("username"):
                self.stdout.write(
                    f"{u.username}\t{u.get_role_display()}\t{u.area or '—'}\t{'启用' if u.is_active else '停用'}"
                )

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from fupin.accounts.models import Role, User
from fupin.accounts.services import user_create
from fupin.areas.models import Area, Classification
from fupin.areas.services import area_classifications_replace, areas_load
from fupin.core import codes

DEEP_POVERTY_2017 = Path(__file__).resolve().parents[3] / "areas" / "data" / "deep_poverty_counties_2017.csv"
DEMO_PASSWORD = "Fupin@2017demo"  # noqa: S105 - printed in the README; demo databases only


class Command(BaseCommand):
    help = "演示数据：载入区划、2017 年 14 个深度贫困县，并创建每种角色的演示账号（可重复执行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if not Area.objects.exists():
            areas_load(actor=None)
        with DEEP_POVERTY_2017.open(encoding="utf-8") as fh:
            deep = [row["code"] for row in csv.DictReader(fh)]
        area_classifications_replace(
            actor=None,
            year=2017,
            kind=Classification.DEEP_POVERTY_COUNTY,
            area_codes=deep,
            note="贵州省 2017 年",
        )
        county = "520526000000"  # 威宁彝族回族苗族自治县 (deep-poverty county)
        lo, hi = codes.code_range(county)
        village = Area.objects.filter(code__gte=lo, code__lte=hi, kind="village").order_by("code").first()
        township = village.parent if village else None
        accounts = [
            ("admin", Role.PROVINCE_ADMIN, "520000000000", "省扶贫办管理员"),
            ("inspector", Role.INSPECTOR, "520000000000", "省纪委督查员"),
            ("bijie", Role.PREFECTURE_OFFICER, "520500000000", "毕节市扶贫办"),
            ("weining", Role.COUNTY_OFFICER, county, "威宁县扶贫办"),
            ("daozhen", Role.COUNTY_OFFICER, "520325000000", "道真县扶贫办（有合成建档立卡数据）"),
            ("township", Role.TOWNSHIP_OFFICER, township.code if township else county, "乡镇扶贫站"),
            ("secretary", Role.FIRST_SECRETARY, village.code if village else county, "第一书记"),
        ]
        for username, role, area, name in accounts:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                actor=None,
                username=username,
                password=options["password"],
                role=role,
                area_code=area,
                display_name=name,
                check_password=False,
            )
        self.stdout.write(f"演示账号（密码均为 {options['password']}）：")
        for username, role, area, _ in accounts:
            self.stdout.write(f"  {username:<10} {Role(role).label:<12} {area}")

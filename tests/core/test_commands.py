"""The command base (fupin.core.commands): who acts (``--user``), and how user errors end a command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command, get_commands, load_command_class
from django.core.management.base import CommandError, CommandParser

from fupin.accounts.models import Role, User
from fupin.audit.models import AuditEntry
from fupin.core.commands import FupinCommand
from fupin.core.errors import PermissionDeniedError
from fupin.policy.models import Parameter
from fupin.registry.models import ImportBatch
from tests.support import COUNTY_A, PASSWORD, PROVINCE, make_user

FUPIN = Path(sys.executable).with_name("fupin")
REFUSED = "没有名为“{}”的有效用户"


def test_every_fupin_command_uses_the_base():
    fupin_commands = {name: app for name, app in get_commands().items() if app.startswith("fupin.")}
    assert {"areas", "users", "audit", "demo", "synth", "template", "import", "export", "external", "checks",
            "evaluate", "whatif", "indicators", "policy", "dispatch", "field"} <= set(fupin_commands)  # fmt: skip
    for name, app in fupin_commands.items():
        assert isinstance(load_command_class(app, name), FupinCommand), name


def _write_commands(tmp_path: Path) -> list[tuple[str, ...]]:
    missing = str(tmp_path / "never-read.csv")  # the user is refused before any file is opened
    return [
        ("areas", "load"),
        ("users", "create", "newbie", "--role", Role.COUNTY_OFFICER, "--area", COUNTY_A, "--password", PASSWORD),
        ("users", "password", "padmin", "--password", PASSWORD),
        ("demo",),
        ("synth", "--into-db", "--skip-registry"),
        ("import", "households", missing),
        ("export", "households", "--out", str(tmp_path / "e.csv")),
        ("external", "load", "vehicles", missing),
        ("checks", "--year", "2017", "--area", COUNTY_A),
        ("whatif", "--year", "2017", "--area", COUNTY_A, "--set", "exit_line=4000"),
        ("indicators", "--refresh", "--area", COUNTY_A, "--year", "2017"),
        ("policy", "set", "exit_line", "2018", "3500"),
        ("dispatch", "plan", "--round", "2017", "--area", COUNTY_A),
        ("field", "review", "--area", COUNTY_A, "--year", "2018"),
    ]


def _written() -> tuple[int, ...]:
    return (AuditEntry.objects.count(), User.objects.count(), Parameter.objects.count(), ImportBatch.objects.count())


@pytest.mark.django_db
def test_an_unknown_or_inactive_user_is_refused_with_exit_2_and_nothing_written(tmp_path):
    make_user("padmin", Role.PROVINCE_ADMIN, PROVINCE)
    retired = make_user("retired", Role.PROVINCE_ADMIN, PROVINCE)
    User.objects.filter(pk=retired.pk).update(is_active=False)
    before = _written()
    for name in ("nobody", "retired"):
        for args in _write_commands(tmp_path):
            with pytest.raises(CommandError) as refused:
                call_command(*args, "--user", name)
            assert refused.value.returncode == 2, args
            assert str(refused.value) == REFUSED.format(name), args
    assert _written() == before
    assert not (tmp_path / "e.csv").exists()


@pytest.mark.django_db
def test_the_named_user_acts_and_an_application_error_is_exit_1():
    make_user("cty-c", Role.COUNTY_OFFICER, COUNTY_A)
    with pytest.raises(CommandError, match="“修改政策参数”须由省级管理员办理") as info:
        call_command("policy", "set", "exit_line", "2018", "3600", "--user", "cty-c")
    assert info.value.returncode == 1
    assert not Parameter.objects.exists()
    with pytest.raises(CommandError, match="区划代码“abc”无效") as bad_area:
        call_command("indicators", "--area", "abc", "--year", "2017")
    assert bad_area.value.returncode == 1


class _Refusing(FupinCommand):
    help = "test: always refused"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        raise PermissionDeniedError("督查审计员为只读角色，不能导入数据")


def test_an_application_error_is_its_message_on_stderr_and_exit_1_without_traceback(capsys):
    with pytest.raises(CommandError) as info:
        call_command(_Refusing())
    assert info.value.returncode == 1
    assert str(info.value) == "督查审计员为只读角色，不能导入数据"
    with pytest.raises(SystemExit) as exited:
        _Refusing().run_from_argv(["fupin", "refusing", "--skip-checks"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "督查审计员为只读角色，不能导入数据" in err
    assert "Traceback" not in err


def test_on_the_command_line_user_errors_end_with_their_code_and_no_traceback(tmp_path):
    """The real console script on a fresh database. System checks are skipped: they import every URL module, which
    is not what this tests."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "FUPIN_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "FUPIN_DATA_DIR": str(tmp_path)}  # fmt: skip

    def fupin(*args: str) -> subprocess.CompletedProcess[str]:
        command = [str(FUPIN), *args, "--skip-checks"]
        return subprocess.run(command, check=False, capture_output=True, text=True, env=env)  # noqa: S603

    assert fupin("migrate", "-v0").returncode == 0
    for args, code, message in [
        (("policy", "set", "exit_line", "2018", "3500", "--user", "nobody"), 2, REFUSED.format("nobody")),
        (("policy", "set", "no_such_key", "2018", "1"), 1, "没有名为“no_such_key”的政策参数"),
        (("indicators", "--area", "abc", "--year", "2017"), 1, "区划代码“abc”无效"),
    ]:
        done = fupin(*args)
        assert done.returncode == code, (args, done.stderr)
        assert message in done.stderr
        assert "Traceback" not in done.stderr
    shown = fupin("policy", "show", "--year", "2018")
    assert shown.returncode == 0
    assert "exit_line" in shown.stdout
    assert "已修改" not in shown.stdout  # the refused `policy set` wrote nothing

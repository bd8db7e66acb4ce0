"""The `fupin` console script: Django's management commands, with fupin's own listed first."""

from __future__ import annotations

import os
import sys


def _fupin_commands() -> list[tuple[str, str]]:
    from django.core.management import get_commands, load_command_class

    out = []
    for name, app in sorted(get_commands().items()):
        if app.startswith("fupin."):
            out.append((name, load_command_class(app, name).help.split("\n")[0]))
    return out


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    argv = list(sys.argv if argv is None else argv)
    import django
    from django.core.management import execute_from_command_line

    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        django.setup()
        print("用法：fupin <命令> [选项]    （fupin <命令> --help 查看命令说明）\n")  # noqa: T201
        print("fupin 命令：")  # noqa: T201
        for name, text in _fupin_commands():
            print(f"  {name:<14} {text}")  # noqa: T201
        print("\n常用 Django 命令：migrate, runserver, createsuperuser, axes_reset_username, ……")  # noqa: T201
        print("全部命令：fupin help --commands")  # noqa: T201
        return
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

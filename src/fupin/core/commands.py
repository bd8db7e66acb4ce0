"""The one base of every fupin management command: who acts, and how user errors end a command.

- ``--user NAME`` (declared with :meth:`FupinCommand.add_user_argument`, on the parser or on each sub-command's
  parser): the command acts as that user, resolved through :func:`django.contrib.auth.get_user_model` (core
  imports no app) before anything runs. An unknown or inactive user is refused — a Chinese message on stderr,
  exit code 2, nothing written. Omitted, the actor is the system (``None``). ``handle`` finds the actor in
  ``options["actor"]``.
- An :class:`~fupin.core.errors.ApplicationError` (or an invalid area code) escaping ``handle`` becomes its
  Chinese message on stderr and exit code 1, without a traceback (``--traceback`` still shows one). Commands
  that document another exit code for some error catch it themselves and raise ``CommandError(…, returncode=N)``.
- Progress: whatever the services report (:mod:`fupin.core.progress`) is drawn as a progress bar on stderr when it
  is a terminal, and nothing at all when the output is piped or redirected (scripts, cron, CI).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from . import progress
from .actors import Actor
from .codes import AreaCodeError
from .errors import ApplicationError

UNKNOWN_USER_EXIT = 2
USER_ERROR_EXIT = 1
SYSTEM_ACTOR_HELP = "以该用户身份执行（按其角色和管辖范围检查）；缺省为系统"


def resolve_user(username: str | None) -> Actor | None:
    """The active user called ``username``; ``None`` (the system) when no name is given.

    Raises ``CommandError`` with exit code 2 for an unknown or inactive user."""
    if not username:
        return None
    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"没有名为“{username}”的有效用户", returncode=UNKNOWN_USER_EXIT)
    return cast(Actor, user)


class FupinCommand(BaseCommand):
    """Base of fupin's management commands (see the module docstring)."""

    def add_user_argument(
        self, parser: ArgumentParser, *, required: bool = False, help: str = SYSTEM_ACTOR_HELP
    ) -> None:
        """Declare ``--user NAME``; ``parser`` may be a sub-command's parser (argparse sub-parsers)."""
        parser.add_argument("--user", required=required, metavar="用户名", help=help)

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            options["actor"] = resolve_user(options.get("user"))
            with progress.terminal_bar():  # what the services report, as a bar on a terminal; nothing when piped
                return super().execute(*args, **options)
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=USER_ERROR_EXIT) from exc
        except AreaCodeError as exc:
            raise CommandError(str(exc), returncode=USER_ERROR_EXIT) from exc

import os
import subprocess
import sys
from pathlib import Path

FUPIN = Path(sys.executable).with_name("fupin")


def test_fupin_help_lists_its_commands():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run([str(FUPIN), "--help"], capture_output=True, text=True, env=env, check=True)  # noqa: S603
    for command in ("areas", "audit", "users", "demo"):
        assert f"  {command} " in out.stdout

"""Progress: services report, listeners show — a bar on a terminal, nothing when piped, the job's file in a job."""

from __future__ import annotations

import io

from fupin.core import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_reports_reach_the_listener_and_nobody_else():
    seen: list[tuple[str, int | None, int | None]] = []
    progress.report("无人接收")  # no listener: a no-op
    with progress.listening(lambda s, d, t: seen.append((s, d, t))):
        progress.report("读取文件")
        progress.report("逐行校验", 5, 10)
    progress.report("之后")
    assert seen == [("读取文件", None, None), ("逐行校验", 5, 10)]


def test_throttled_keeps_new_stages_and_the_end():
    seen: list[tuple[str, int | None, int | None]] = []
    call = progress.throttled(lambda s, d, t: seen.append((s, d, t)), every=3600)
    for i in range(100):
        call("写入", i, 100)
    call("写入", 100, 100)
    call("汇总", None, None)
    assert seen == [("写入", 0, 100), ("写入", 100, 100), ("汇总", None, None)]


def test_a_bar_on_a_terminal_and_silence_when_piped():
    piped = io.StringIO()
    with progress.terminal_bar(piped):
        progress.report("逐行校验", 1, 2)
    assert piped.getvalue() == ""
    terminal = FakeTerminal()
    with progress.terminal_bar(terminal):
        for i in range(3):
            progress.report("逐行校验", i, 3)
    assert "逐行校验" in terminal.getvalue()

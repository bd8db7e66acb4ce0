"""Progress of long work, reported by the services and shown by whoever listens: a background job's row (the web
shows it), a progress bar on a terminal, or nobody (a no-op).

A service calls :func:`report` at its stages and inside its loops; it never knows who listens. The job runner and
the CLI install a listener with :func:`listening` around the call::

    progress.report("读取户数据")                     # a stage, no count yet
    progress.report("写入核查发现", done=i, total=n)   # rows done of n

Listeners are kept in a context variable, so concurrent requests or threads never see each other's progress.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

Listener = Callable[[str, int | None, int | None], None]
_LISTENER: ContextVar[Listener | None] = ContextVar("fupin_progress", default=None)


def report(stage: str, done: int | None = None, total: int | None = None) -> None:
    """Tell the current listener (if any) that the work is at ``stage``, ``done`` of ``total`` items."""
    listener = _LISTENER.get()
    if listener is not None:
        listener(stage, done, total)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send every :func:`report` made inside the block to ``listener``."""
    token = _LISTENER.set(listener)
    try:
        yield
    finally:
        _LISTENER.reset(token)


def throttled(listener: Listener, every: float = 0.5) -> Listener:
    """``listener`` called at most every ``every`` seconds for counts, but always at a new stage and at the end."""
    last: dict[str, Any] = {"at": 0.0, "stage": None}

    def call(stage: str, done: int | None, total: int | None) -> None:
        now = time.monotonic()
        finished = done is not None and total is not None and done >= total
        if stage != last["stage"] or finished or now - last["at"] >= every:
            last.update(at=now, stage=stage)
            listener(stage, done, total)

    return call


@contextmanager
def terminal_bar(stream: Any = None) -> Iterator[None]:
    """A progress bar on a terminal (rich) for the reports made inside the block; nothing when not a terminal
    (piped output, cron, tests), so scripted use stays quiet."""
    stream = stream if stream is not None else sys.stderr
    if not getattr(stream, "isatty", lambda: False)():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(file=stream), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("开始", total=None)

        def show(stage: str, done: int | None, total: int | None) -> None:
            bar.update(task, description=stage, completed=done or 0, total=total)

        with listening(show):
            yield

"""Progress of a long `parallax index` run, for a terminal and for a log.

In a terminal a tqdm bar redraws in place: done/total, rate, time left.
Written to a pipe or a file (CI, cron, nohup) a bar would be one endless
line of carriage returns, so there a plain line is printed every few
seconds instead. With no known total both show the count and the rate.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Protocol

UNIT = "articles"
TERMINAL_REFRESH_SECONDS = 0.5
LOG_LINE_EVERY_SECONDS = 10.0
FALLBACK_COLUMNS, FALLBACK_ROWS = 80, 24
# tqdm's own formats switch to an inverse rate ("2.84s/ articles") below one
# article a second, as a slow start is; ours always say articles a second.
BAR_FORMAT = "{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}, {rate_noinv_fmt}]"
COUNT_FORMAT = "{n_fmt}{unit} [{elapsed}, {rate_noinv_fmt}]"


class Progress(Protocol):
    # `count` inputs are done, `failed` of them failed (they fill the bar too:
    # the total counted them; the last line says how many were articles).
    def advance(self, count: int, failed: int = 0) -> None: ...
    def note(self, message: str) -> None: ...
    def close(self) -> None: ...


class SilentProgress:
    """`--quiet`: progress is not shown; notes (failures) still are."""

    def __init__(self, stream: IO[str]):
        self.stream = stream

    def advance(self, count: int, failed: int = 0) -> None:
        pass

    def note(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def close(self) -> None:
        pass


class TerminalProgress:
    """A tqdm bar that redraws in place."""

    def __init__(self, total: int | None, stream: IO[str]):
        from tqdm import tqdm

        # A terminal that reports no width (a bare pseudo-terminal, `script`)
        # would make tqdm draw nothing at all: assume a classic 80x24.
        known_width = _terminal_width(stream) > 0
        self._bar = tqdm(
            total=total,
            unit=f" {UNIT}",
            file=stream,
            mininterval=TERMINAL_REFRESH_SECONDS,
            dynamic_ncols=known_width,
            ncols=None if known_width else FALLBACK_COLUMNS,
            nrows=None if known_width else FALLBACK_ROWS,  # with 0 rows tqdm hides the bar
            smoothing=0.1,
            bar_format=BAR_FORMAT if total is not None else COUNT_FORMAT,
        )

    def advance(self, count: int, failed: int = 0) -> None:
        # A total counted before reading can be short (e.g. blank lines were
        # counted out but a file grew): never let the bar run past 100 %.
        if self._bar.total is not None and self._bar.n + count > self._bar.total:
            self._bar.total = self._bar.n + count
        self._bar.update(count)

    def note(self, message: str) -> None:
        self._bar.write(message, file=self._bar.fp)

    def close(self) -> None:
        self._bar.close()


class LogProgress:
    """One plain line every few seconds, and one at the end."""

    def __init__(self, total: int | None, stream: IO[str], every: float = LOG_LINE_EVERY_SECONDS):
        self.total = total
        self.stream = stream
        self.every = every
        self.done = 0
        self.failed = 0
        self._started = time.monotonic()
        self._last_line = self._started

    def advance(self, count: int, failed: int = 0) -> None:
        self.done += count
        self.failed += failed
        now = time.monotonic()
        if now - self._last_line >= self.every:
            self._last_line = now
            self._print_line(now)

    def note(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def close(self) -> None:
        elapsed = time.monotonic() - self._started
        articles = self.done - self.failed
        rate = articles / elapsed if elapsed > 0 else 0.0
        failed = f", {self.failed:,} failed" if self.failed else ""
        print(
            f"done: {articles:,} {UNIT}{failed} in {_duration(elapsed)} ({rate:,.1f} {UNIT}/s)",
            file=self.stream,
            flush=True,
        )

    def _print_line(self, now: float) -> None:
        print(progress_line(self.done, self.total, now - self._started), file=self.stream, flush=True)


def _terminal_width(stream: IO[str]) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        return 0


def progress_line(done: int, total: int | None, elapsed: float) -> str:
    """'1,024/36,434 articles (2.8%), 65.2 articles/s, about 9 min left'."""
    rate = done / elapsed if elapsed > 0 else 0.0
    rate_text = f"{rate:,.1f} {UNIT}/s"
    if not total:
        return f"{done:,} {UNIT}, {rate_text}, {_duration(elapsed)} elapsed"
    share = min(done / total, 1.0)
    left = (total - done) / rate if rate > 0 and done < total else 0.0
    return f"{done:,}/{total:,} {UNIT} ({share:.0%}), {rate_text}, about {_duration(left)} left"


def _duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} h"


def make_progress(enabled: bool, total: int | None, stream: IO[str] | None = None) -> Progress:
    """The display that fits where the output goes."""
    stream = stream or sys.stderr
    if not enabled:
        return SilentProgress(stream)
    if stream.isatty():
        return TerminalProgress(total, stream)
    return LogProgress(total, stream)

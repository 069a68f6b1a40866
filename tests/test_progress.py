"""The terminal bar says articles a second even when a run starts slowly
(tqdm's default switches to seconds per article below one a second)."""

from __future__ import annotations

import io
import time

from indexer.progress import TerminalProgress


def _frames_after_a_slow_start(total: int | None) -> str:
    stream = io.StringIO()
    progress = TerminalProgress(total, stream)
    time.sleep(1.1)  # the first article takes over a second: a rate below 1/s
    progress.advance(1)
    progress._bar.refresh()
    progress.close()
    return stream.getvalue()


def test_a_slow_start_with_a_total_shows_articles_a_second():
    frames = _frames_after_a_slow_start(500)
    assert "1/500" in frames and "articles/s]" in frames
    assert "s/ articles" not in frames and "s/article" not in frames


def test_a_slow_start_without_a_total_shows_articles_a_second():
    frames = _frames_after_a_slow_start(None)
    assert "1 articles [" in frames and "articles/s]" in frames
    assert "s/ articles" not in frames

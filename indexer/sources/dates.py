"""Publication dates as ISO days (YYYY-MM-DD), or None when unreadable."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# A news date outside these years is a placeholder or a typo ("0001-11-30",
# "2050-09-30" occur in real data): treated as unknown, not stored as a date.
EARLIEST_YEAR = 1800


def plausible(day: dt.date) -> bool:
    return EARLIEST_YEAR <= day.year <= dt.date.today().year + 1


def normalise_date(value: object) -> str | None:
    """'2022-04-05', '2022-04-05T10:00:00Z', 1649116800 -> '2022-04-05'."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC).date().isoformat()
    text = str(value).strip()
    match = _ISO_DAY.match(text)
    if match:
        try:
            day = dt.date(*map(int, match.groups()))
        except ValueError:
            return None
        return day.isoformat() if plausible(day) else None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            day = dt.datetime.strptime(text, fmt).date()
            return day.isoformat() if plausible(day) else None
        except ValueError:
            continue
    return None

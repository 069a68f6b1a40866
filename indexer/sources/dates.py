"""Publication dates as ISO days (YYYY-MM-DD), or None when unreadable."""
from __future__ import annotations

import datetime as dt
import re

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def normalise_date(value: object) -> str | None:
    """'2022-04-05', '2022-04-05T10:00:00Z', 1649116800 -> '2022-04-05'."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc).date().isoformat()
    text = str(value).strip()
    match = _ISO_DAY.match(text)
    if match:
        try:
            return dt.date(*map(int, match.groups())).isoformat()
        except ValueError:
            return None
    for fmt in ("%d %B %Y", "%B %d, %Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None

"""The `?as_of=YYYY-MM-DD` of the public pages: what the tracker had published by the end of a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from commitments.models import end_of_day


@dataclass(frozen=True)
class AsOf:
    """A day in the past the page is shown as of, or the error that keeps it from being one."""

    day: dt.date | None = None
    error: str = ""

    @property
    def moment(self) -> dt.datetime | None:
        """The end of that day in UTC: entries recorded by then count."""
        return end_of_day(self.day, dt.UTC) if self.day else None

    def __bool__(self) -> bool:
        return self.day is not None


def parse_as_of(value: str | None, now: dt.datetime) -> AsOf:
    """Return the day `?as_of=` names; a malformed day or one after today gets an error message
    (and the page shows the present)."""
    if value is None:
        return AsOf()
    try:
        day = dt.date.fromisoformat(value.strip()) if len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        return AsOf(
            error=_("“%(value)s” is not a date: write it as YYYY-MM-DD, such as 2022-01-01.") % {"value": value[:40]}
        )
    if day >= now.astimezone(dt.UTC).date():
        return AsOf(error=_("%(day)s is not in the past: the page shows the present.") % {"day": day.isoformat()})
    return AsOf(day=day)

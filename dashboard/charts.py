"""Geometry for the charts the dashboard draws on the server as SVG (no JavaScript, no inline styles).

Only positions are computed here; which commitment is overdue, late or on time comes
from the model's rules, and the templates word and colour them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commitments.models import Commitment

BAR_WIDTH = 100  # the status bar's viewBox width: segment widths are percentages
TIMELINE_WIDTH = 800
TIMELINE_LABEL_WIDTH = 250
TIMELINE_RIGHT_MARGIN = 20
TIMELINE_ROW_HEIGHT = 28
TIMELINE_TOP = 30


@dataclass
class BarSegment:
    key: str
    label: str
    count: int
    x: float
    width: float


def status_bar(counts: list[tuple[str, str, int]]) -> list[BarSegment]:
    """Return the bar's segments for (key, label, count) triples, skipping empty ones."""
    total = sum(count for _key, _label, count in counts)
    segments, x = [], 0.0
    for key, label, count in counts:
        if not count:
            continue
        width = BAR_WIDTH * count / total
        segments.append(BarSegment(key, label, count, round(x, 3), round(width, 3)))
        x += width
    return segments


@dataclass
class TimelineRow:
    commitment: Commitment
    y: int
    original: dt.date | None
    original_x: float | None
    deadline: dt.date
    deadline_x: float
    met_on: dt.date | None
    met_x: float | None
    # Where the line from the deadline ends: the day it was met, or today if still open.
    line_end_x: float
    is_overdue: bool
    is_late: bool
    # Met after the original deadline but by the extended one (Commitment.met_extended_deadline).
    met_extended: bool = False
    days_extended: int | None = None
    met_precision: str = ""


@dataclass
class Timeline:
    rows: list[TimelineRow]
    height: int
    start: dt.date
    end: dt.date
    ticks: list[tuple[dt.date, float]] = field(default_factory=list)
    today_x: float | None = None


def deadline_timeline(commitments: list[Commitment], now: dt.datetime) -> Timeline | None:
    """Return rows that place each commitment's deadline against the day it was met."""
    dated = [c for c in commitments if c.deadline_in_force]
    if not dated:
        return None
    today = {c.pk: c.agreement.local_today(now) for c in dated}
    met = {c.pk: c.fulfilled_on() for c in dated if c.fulfilled_at}
    days: list[dt.date] = []
    for c in dated:
        days.append(c.deadline_in_force)
        if c.original_deadline():
            days.append(c.original_deadline())
        if c.pk in met:
            days.append(met[c.pk])
    start, end = min(days), max(days)
    # An open overdue commitment runs to today; keep today on the chart only if it is
    # near, so that one old overdue item does not squeeze every other row into a dot.
    any_open_overdue = any(c.is_overdue(now) for c in dated)
    latest_today = max(today.values())
    if any_open_overdue and (latest_today - end).days <= 2 * max((end - start).days, 30):
        end = latest_today
    span = max((end - start).days, 1)
    plot_left = TIMELINE_LABEL_WIDTH
    plot_width = TIMELINE_WIDTH - TIMELINE_LABEL_WIDTH - TIMELINE_RIGHT_MARGIN

    def x_of(day: dt.date) -> float:
        return round(plot_left + plot_width * min(max((day - start).days, 0), span) / span, 2)

    rows = []
    for index, c in enumerate(dated):
        original = c.original_deadline()
        met_on = met.get(c.pk)
        is_overdue = c.is_overdue(now)
        deadline_x = x_of(c.deadline_in_force)
        if met_on:
            line_end_x = x_of(met_on)
        elif is_overdue:
            line_end_x = x_of(today[c.pk])
        else:
            line_end_x = deadline_x
        rows.append(
            TimelineRow(
                commitment=c,
                y=TIMELINE_TOP + index * TIMELINE_ROW_HEIGHT,
                original=original if original != c.deadline_in_force else None,
                original_x=x_of(original) if original and original != c.deadline_in_force else None,
                deadline=c.deadline_in_force,
                deadline_x=deadline_x,
                met_on=met_on,
                met_x=x_of(met_on) if met_on else None,
                line_end_x=line_end_x,
                is_overdue=is_overdue,
                is_late=c.is_fulfilled_late(),
                met_extended=c.met_extended_deadline(),
                days_extended=c.original_extended(),
                met_precision=c.fulfilled_precision,
            )
        )
    ticks = [(start + dt.timedelta(days=round(span * i / 4)), 0.0) for i in range(5)]
    ticks = [(day, x_of(day)) for day, _ in ticks]
    today_on_chart = latest_today if start <= latest_today <= end else None
    return Timeline(
        rows=rows,
        height=TIMELINE_TOP + len(rows) * TIMELINE_ROW_HEIGHT + 10,
        start=start,
        end=end,
        ticks=ticks,
        today_x=x_of(today_on_chart) if today_on_chart else None,
    )

"""Geometry for the charts the dashboard draws on the server as SVG (no JavaScript, no inline styles).

Only positions are computed here; which commitment is overdue, late or on time comes
from the model's rules, and the templates word and colour them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commitments.models import Commitment

BAR_WIDTH = 100  # the status bar's viewBox width: segment widths are percentages


@dataclass(frozen=True)
class TimelineLayout:
    """Where a drawing of the timeline puts things, in viewBox units."""

    width: int
    plot_left: int  # where the time axis starts (wide: after the row labels)
    right_margin: int
    top: int  # the first row's bar
    row_height: int
    label_dy: int  # the row label's baseline, from its bar
    bottom: int  # below the last row's bar
    ticks: int


# Desktop: labels to the left of the bars. Phone: each label above its bar, the axis across
# the whole width, so the chart stays legible at 390 px instead of being hidden.
WIDE = TimelineLayout(width=800, plot_left=250, right_margin=20, top=30, row_height=28, label_dy=4, bottom=38, ticks=5)
PHONE = TimelineLayout(width=360, plot_left=8, right_margin=12, top=46, row_height=44, label_dy=-13, bottom=16, ticks=3)


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
    label_y: int
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
    """One drawing of the timeline (`layout`); a wide one carries its phone drawing in `phone`."""

    rows: list[TimelineRow]
    height: int
    start: dt.date
    end: dt.date
    layout: TimelineLayout = WIDE
    ticks: list[tuple[dt.date, float]] = field(default_factory=list)
    today_x: float | None = None
    phone: Timeline | None = None


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
    facts = [
        (c, c.original_deadline(), met.get(c.pk), c.is_overdue(now), c.is_fulfilled_late(), today[c.pk]) for c in dated
    ]
    today_on_chart = latest_today if start <= latest_today <= end else None
    wide = draw_timeline(facts, start, span, today_on_chart, WIDE)
    wide.phone = draw_timeline(facts, start, span, today_on_chart, PHONE)
    return wide


def draw_timeline(
    facts: list[tuple], start: dt.date, span: int, today_on_chart: dt.date | None, layout: TimelineLayout
) -> Timeline:
    """Return the timeline's geometry in `layout` for (commitment, original deadline, met on,
    is overdue, is late, today in its zone) of each row."""
    plot_width = layout.width - layout.plot_left - layout.right_margin

    def x_of(day: dt.date) -> float:
        return round(layout.plot_left + plot_width * min(max((day - start).days, 0), span) / span, 2)

    rows = []
    for index, (c, original, met_on, is_overdue, is_late, today) in enumerate(facts):
        deadline_x = x_of(c.deadline_in_force)
        if met_on:
            line_end_x = x_of(met_on)
        elif is_overdue:
            line_end_x = x_of(today)
        else:
            line_end_x = deadline_x
        y = layout.top + index * layout.row_height
        rows.append(
            TimelineRow(
                commitment=c,
                y=y,
                label_y=y + layout.label_dy,
                original=original if original != c.deadline_in_force else None,
                original_x=x_of(original) if original and original != c.deadline_in_force else None,
                deadline=c.deadline_in_force,
                deadline_x=deadline_x,
                met_on=met_on,
                met_x=x_of(met_on) if met_on else None,
                line_end_x=line_end_x,
                is_overdue=is_overdue,
                is_late=is_late,
                met_extended=c.met_extended_deadline(),
                days_extended=c.original_extended(),
                met_precision=c.fulfilled_precision,
            )
        )
    steps = layout.ticks - 1
    ticks = [(day, x_of(day)) for day in (start + dt.timedelta(days=round(span * i / steps)) for i in range(steps + 1))]
    return Timeline(
        rows=rows,
        height=layout.top + (len(rows) - 1) * layout.row_height + layout.bottom,
        start=start,
        end=start + dt.timedelta(days=span),
        layout=layout,
        ticks=ticks,
        today_x=x_of(today_on_chart) if today_on_chart else None,
    )


# --- Incidents per week --------------------------------------------------------------


@dataclass(frozen=True)
class WeeklyLayout:
    """Where the weekly bar chart puts things, in viewBox units."""

    width: int
    height: int
    left: int  # room for the count axis' labels
    right: int
    top: int
    bottom: int  # room for the week labels
    date_ticks: int

    @property
    def plot_right(self) -> int:
        return self.width - self.right

    @property
    def count_label_x(self) -> int:
        return self.left - 6

    @property
    def week_label_y(self) -> int:
        return self.height - 12


MAX_BAR_WIDTH = 36.0
WEEKLY_WIDE = WeeklyLayout(width=800, height=240, left=40, right=12, top=14, bottom=34, date_ticks=5)
WEEKLY_PHONE = WeeklyLayout(width=360, height=220, left=30, right=10, top=14, bottom=34, date_ticks=3)


@dataclass
class WeekBar:
    week: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float


@dataclass
class WeeklyChart:
    """One drawing of the incidents-per-week chart; a wide one carries its phone drawing in `phone`."""

    bars: list[WeekBar]
    weeks: int  # how many weeks the chart spans, empty ones included
    first_week: dt.date
    last_week: dt.date
    max_count: int
    layout: WeeklyLayout = WEEKLY_WIDE
    count_ticks: list[tuple[int, float]] = field(default_factory=list)
    date_ticks: list[tuple[dt.date, float]] = field(default_factory=list)
    baseline_y: float = 0
    phone: WeeklyChart | None = None

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)


def weekly_chart(counts: list[tuple[dt.date, int]]) -> WeeklyChart | None:
    """Return the bars of a chart of incidents per week for (Monday, count) pairs, oldest first
    (IncidentQuerySet.weekly_counts); weeks without incidents are empty space on the axis."""
    counts = [(week, count) for week, count in counts if count]
    if not counts:
        return None
    wide = draw_weekly(counts, WEEKLY_WIDE)
    wide.phone = draw_weekly(counts, WEEKLY_PHONE)
    return wide


def draw_weekly(counts: list[tuple[dt.date, int]], layout: WeeklyLayout) -> WeeklyChart:
    first, last = counts[0][0], counts[-1][0]
    weeks = (last - first).days // 7 + 1
    top_count = max(count for _week, count in counts)
    plot_width = layout.width - layout.left - layout.right
    plot_height = layout.height - layout.top - layout.bottom
    baseline = layout.top + plot_height
    slot = plot_width / weeks
    # A few weeks must not give slabs: bars are at most MAX_BAR_WIDTH wide, at least one unit.
    bar_width = min(max(slot * 0.8, 1.0), MAX_BAR_WIDTH)

    def x_of(week: dt.date) -> float:
        return layout.left + slot * ((week - first).days // 7) + slot / 2

    bars = []
    for week, count in counts:
        height = plot_height * count / top_count
        bars.append(
            WeekBar(
                week=week,
                count=count,
                x=round(x_of(week) - bar_width / 2, 2),
                y=round(baseline - height, 2),
                width=round(bar_width, 2),
                height=round(height, 2),
            )
        )
    count_ticks = sorted({0, top_count, *([top_count // 2] if top_count >= 4 else [])})
    steps = min(layout.date_ticks, weeks) - 1
    tick_weeks = (
        sorted({first + dt.timedelta(weeks=round((weeks - 1) * i / steps)) for i in range(steps + 1)})
        if steps
        else [first]
    )
    return WeeklyChart(
        bars=bars,
        weeks=weeks,
        first_week=first,
        last_week=last,
        max_count=top_count,
        layout=layout,
        count_ticks=[(value, round(baseline - plot_height * value / top_count, 2)) for value in count_ticks],
        date_ticks=[(week, round(x_of(week), 2)) for week in tick_weeks],
        baseline_y=baseline,
    )


# --- Implementation over time (a stacked column per month) ------------------------------------


@dataclass(frozen=True)
class ColumnsLayout:
    """Where the implementation chart puts things, in viewBox units."""

    width: int
    height: int
    left: int  # room for the count axis
    right: int
    top: int
    bottom: int  # room for the month labels
    label_every: int  # months between labels, at least


# The agreement page's small chart, its own page's larger one, and a phone drawing of each.
IMPLEMENTATION_SMALL = ColumnsLayout(width=800, height=220, left=34, right=8, top=10, bottom=26, label_every=6)
IMPLEMENTATION_LARGE = ColumnsLayout(width=1000, height=420, left=40, right=10, top=12, bottom=30, label_every=3)
IMPLEMENTATION_PHONE = ColumnsLayout(width=360, height=240, left=28, right=6, top=10, bottom=26, label_every=12)


@dataclass
class Column:
    month_end: dt.date
    x: float
    width: float
    segments: list[BarSegment]  # x is the segment's y here; width its height
    total: int
    label: bool


@dataclass
class ColumnsChart:
    layout: ColumnsLayout
    columns: list[Column]
    max_total: int
    plot_bottom: float
    gridlines: list[tuple[int, float]]
    phone: ColumnsChart | None = None


def implementation_chart(
    months: list, groups: list[tuple[str, str, set]], layout: ColumnsLayout, phone: ColumnsLayout | None = None
) -> ColumnsChart | None:
    """Return stacked columns, one per month (commitments.models.MonthStatus), each cut into the
    status groups (key, label, statuses) from the bottom up; the heights count commitments."""
    if not months:
        return None
    max_total = max(max(month.total for month in months), 1)
    plot_width = layout.width - layout.left - layout.right
    plot_height = layout.height - layout.top - layout.bottom
    plot_bottom = layout.top + plot_height
    step = plot_width / len(months)
    gap = min(step * 0.15, 2)
    label_every = max(layout.label_every, -(-len(months) // max(1, plot_width // 60)))
    columns = []
    for index, month in enumerate(months):
        y = plot_bottom
        segments = []
        for key, label, statuses in groups:
            count = sum(month.by_status.get(status, 0) for status in statuses)
            if not count:
                continue
            height = plot_height * count / max_total
            y -= height
            segments.append(BarSegment(key, label, count, round(y, 2), round(height, 2)))
        columns.append(
            Column(
                month_end=month.month_end,
                x=round(layout.left + index * step + gap / 2, 2),
                width=round(max(step - gap, 0.5), 2),
                segments=segments,
                total=month.total,
                label=index % label_every == 0,
            )
        )
    ticks = sorted({0, max_total // 2, max_total})
    gridlines = [(tick, round(plot_bottom - plot_height * tick / max_total, 2)) for tick in ticks]
    chart = ColumnsChart(layout, columns, max_total, plot_bottom, gridlines)
    if phone is not None:
        chart.phone = implementation_chart(months, groups, phone)
    return chart

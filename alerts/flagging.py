"""Flagging: record every change of a commitment's deadline state as a DeadlineEvent, and
in the same transaction queue one AlertDelivery (outbox) row per recipient.

Detection and notification are separate steps, as in healthchecks: sending.py claims
and sends what this module queues. Time is a parameter; only tasks and commands read
the clock.

Set-based end to end: each kind of event is recorded by one INSERT … SELECT built from the
domain's QuerySets (overdue is CommitmentQuerySet.overdue(now), nothing else), and the
recipients are matched in SQL by one INSERT … SELECT per channel, so a run costs a fixed
number of statements and no row passes through Python, whatever the number of commitments,
events or subscribers. Only the notice reminders of renewable terms, whose deadlines are
computed rather than stored, are found in Python (a handful of commitments).

The job writes events and deliveries only: it never changes a commitment's current status (nor
anything else stored on it), so the stored disputed/contested flags and sort keys need no refresh here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import Case, Exists, F, Func, OuterRef, Q, QuerySet, Value, When
from django.db.models.constants import OnConflict
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import LessThan

from commitments.models import Agreement, Commitment, Status, end_of_day, local_date

from .models import AlertDelivery, DeadlineEvent, FlagWatermark, MonitorSubscription, Subscriber, WebhookEndpoint

Kind = DeadlineEvent.Kind


@dataclass
class FlagResult:
    events: int
    deliveries: int
    full_sweep: bool = True


@dataclass(frozen=True)
class Changes:
    """What can have changed since the last run, for an incremental run: the clock alone only makes
    a commitment newly overdue (its deadline ends); everything else — a status, a deadline, a time
    zone, a new commitment — is a write, which marks the commitment (Commitment.state_changed_at).
    `since` is the last run's time less ALERTS_FLAG_LOOKBACK."""

    since: dt.datetime
    any_marked: bool  # whether a write marked any commitment: if none, the steps that read them are skipped

    @classmethod
    def after(cls, watermark: FlagWatermark) -> Changes:
        changes = cls(since=watermark.changed_since(), any_marked=False)
        return replace(changes, any_marked=Commitment.objects.filter(changes.marked()).exists())

    def marked(self) -> Q:
        """The commitments a write marked since then (over Commitment)."""
        return Q(state_changed_at__gt=self.since)

    def deadline_ended(self) -> Q:
        """The commitments whose deadline ended since then (over Commitment; the caller's own
        condition bounds the deadline by `now`)."""
        return Q(deadline_ends_at__gt=self.since)


def flag_deadline_events(
    now: dt.datetime, *, reminder_days: list[int] | None = None, notify: bool = True, full: bool = False
) -> FlagResult:
    """Record every change of deadline state as of `now`, and queue alerts for the new events.

    Set-based: a fixed number of queries whatever the number of commitments. Idempotent:
    the unique constraints on DeadlineEvent make a second run, or a concurrent one, insert
    nothing it has already recorded, and AlertDelivery is unique per event and address.
    With notify=False (a first run over historical data) events are recorded but no one
    is alerted.

    Incremental: a run reads only the commitments that can have changed since the last one
    (Changes), unless it is a full sweep — asked for (`full`), the first run, or the last full
    sweep older than ALERTS_FULL_SWEEP_INTERVAL —, which reads every commitment and every open
    episode: the safety net for a write that failed to mark its commitment.
    """
    offsets = sorted(set(settings.ALERTS_REMINDER_DAYS if reminder_days is None else reminder_days))
    with transaction.atomic():
        watermark = FlagWatermark.lock()  # first: runs at once take turns
        full = full or watermark.needs_full_sweep(now)
        changes = None if full else Changes.after(watermark)
        # Events this run records get ids above the largest one now (and are detected at
        # `now`): that is how the queuing step below tells them from older ones.
        last_id = DeadlineEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        zones = AgreementZones.read()
        # Closed before new ones: an extension closes, then reopens.
        events = record_closed_overdue_episodes(now, zones, changes)
        events += record_new_overdue_episodes(now, zones, changes)
        events += record_due_soon_reminders(now, offsets)
        events += record_notice_reminders(now, offsets)
        deliveries, earlier = queue_alerts(now, after_id=last_id, notify=notify)
        watermark.advance(now, full_sweep=full)
        return FlagResult(events=events + earlier, deliveries=deliveries, full_sweep=full)


# --- INSERT … SELECT ----------------------------------------------------------------------


def _database():
    """The default database's connection object itself, which runs these statements, to compile them
    with: the `connection` proxy looks each of its attributes up in context-local storage, and a
    compiler reads hundreds."""
    return connections[DEFAULT_DB_ALIAS]


def insert_from_select(
    model: type[models.Model], columns: dict[str, object], queryset: QuerySet, *, ignore_conflicts: bool = True
) -> int:
    """Insert into `model`'s table one row per row of `queryset`, each column given by an
    expression over it (`columns`: field name -> expression), in one INSERT … SELECT.
    Rows that a unique constraint refuses (another run recorded them first) are skipped, unless
    ignore_conflicts=False, when such a row is an error (see skip_recorded_by_constraint).
    Return how many rows were inserted."""
    names = [f"_insert_{number}" for number in range(len(columns))]
    select = queryset.order_by().annotate(**dict(zip(names, columns.values(), strict=True))).values(*names)
    select_sql, params = select.query.get_compiler(connection=_database()).as_sql()
    fields = [model._meta.get_field(name) for name in columns]
    column_list = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    sql = (
        f"{connection.ops.insert_statement(on_conflict=on_conflict)} "
        f"{connection.ops.quote_name(model._meta.db_table)} ({column_list}) {select_sql} "
        f"{connection.ops.on_conflict_suffix_sql(fields, on_conflict, None, None) if on_conflict else ''}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


class DaysBetween(Func):
    """The number of days from the date `earlier` to the date `later` (an integer)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()

    def __init__(self, later, earlier) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler, sql_connection, **extra_context):
        later, earlier = (compiler.compile(expression) for expression in self.get_source_expressions())
        return f"CAST(julianday({later[0]}) - julianday({earlier[0]}) AS INTEGER)", [*later[1], *earlier[1]]


class AgreementZones:
    """The time zones the agreements count in, to write "calendar days in the agreement's zone"
    (the rule of Commitment.days_overdue and days_late) as SQL: one CASE branch per zone."""

    def __init__(self, zones: list[str]) -> None:
        self.zones = zones

    @classmethod
    def read(cls) -> AgreementZones:
        return cls(sorted(set(Agreement.objects.order_by().values_list("time_zone", flat=True).distinct())))

    def per_local_date(self, agreement_field: str, now: dt.datetime, expression) -> Case:
        """Return `expression(day)` for the row's agreement (`agreement_field` names it), where `day`
        is the calendar date of `now` in the agreement's zone. That date differs from UTC's by a day
        at most, so the zones fall in at most three groups: a CASE of three branches, each finding
        the agreement in a set of ids computed once, rather than one branch per zone over a join."""
        by_day: dict[dt.date, list[str]] = {}
        for zone in self.zones:
            by_day.setdefault(local_date(now, ZoneInfo(zone)), []).append(zone)
        # The group of the most zones first (a guess at the most agreements, so the most rows): a row
        # stops at the first branch its agreement is in.
        groups = sorted(by_day.items(), key=lambda item: (-len(item[1]), item[0]))
        return Case(
            *[
                When(
                    **{f"{agreement_field}__in": Agreement.objects.filter(time_zone__in=zones).values("pk")},
                    then=expression(day),
                )
                for day, zones in groups
            ],
            default=Cast(Value(None), output_field=models.IntegerField()),
            output_field=models.IntegerField(),
        )

    def per_zone(self, zone_field: str, expression) -> Case:
        """Return `expression(zone)` for the row's zone (`zone_field` names it)."""
        return Case(
            *[When(**{zone_field: zone}, then=expression(ZoneInfo(zone))) for zone in self.zones],
            # Typed: with no agreement (no zone) PostgreSQL would take a bare NULL for text.
            default=Cast(Value(None), output_field=models.IntegerField()),
            output_field=models.IntegerField(),
        )

    @staticmethod
    def local_date(field: str, tz: ZoneInfo) -> TruncDate:
        """Return the calendar date of the instant `field` in `tz` (commitments.models.local_date)."""
        return TruncDate(field, tzinfo=tz)


def _event_columns(now: dt.datetime, **columns) -> dict[str, object]:
    """Return every column of a new DeadlineEvent: `columns`, and the defaults of an event
    recorded at `now` whose alerts are queued in this same transaction."""
    return {
        "offset_days": Value(0),
        "days_overdue": Value(None, output_field=models.IntegerField()),
        "days_late": Value(None, output_field=models.IntegerField()),
        "new_deadline": Value(None, output_field=models.DateField()),
        "closes": Value(None, output_field=models.IntegerField()),
        "detected_at": Value(now, output_field=models.DateTimeField()),
        # The deliveries are written below, before this transaction commits.
        "alerts_queued": Value(True, output_field=models.BooleanField()),
        **columns,
    }


# --- Detection ----------------------------------------------------------------------------


def new_overdue_episodes(now: dt.datetime, among: Q | None = None, *, exclude_recorded: bool = True) -> QuerySet:
    """Return the commitments overdue at `now` whose "went overdue" event against their
    deadline in force is not recorded yet (only `among` those, a condition from Changes).
    With exclude_recorded=False, also those already recorded: for an insert that leaves them to
    the unique constraint (deadline_event_once_per_deadline), cheaper when nearly all are new."""
    overdue = Commitment.objects.overdue(now)
    if among is not None:
        overdue = overdue.filter(among)
    if not exclude_recorded:
        return overdue
    already_flagged = DeadlineEvent.objects.filter(
        kind=Kind.WENT_OVERDUE, commitment=OuterRef("pk"), deadline=OuterRef("deadline_in_force")
    )
    return overdue.exclude(Exists(already_flagged))


def record_new_overdue_episodes(now: dt.datetime, zones: AgreementZones, changes: Changes | None = None) -> int:
    """Record a "went overdue" event for each newly overdue commitment; return how many."""

    def days_overdue(today: dt.date):
        # Commitment.days_overdue(now): calendar days in the zone since the deadline day, 1 the day
        # after. The deadline ends at midnight starting the next day in the zone (sync_deadline), so
        # its local date is the day after the deadline in force: counting from the stored date spares
        # converting each row's instant to the zone (a Python function per row on SQLite).
        return DaysBetween(Value(today), F("deadline_in_force"))

    columns = _event_columns(
        now,
        commitment=F("pk"),
        agreement=F("provision_agreement"),
        category=F("category"),
        kind=Value(Kind.WENT_OVERDUE),
        deadline=F("deadline_in_force"),
        deadline_ends_at=F("deadline_ends_at"),
        occurred_at=F("deadline_ends_at"),
        days_overdue=zones.per_local_date("provision_agreement", now, days_overdue),
    )
    by_constraint = skip_recorded_by_constraint()

    def record(among: Q | None) -> int:
        return insert_from_select(
            DeadlineEvent,
            columns,
            new_overdue_episodes(now, among, exclude_recorded=not by_constraint),
            ignore_conflicts=by_constraint,
        )

    if changes is None:
        return record(None)
    # What the clock did (deadlines that ended since the last run), then what writes did (marked
    # commitments): two statements, each reading one index range, where one statement with an OR
    # of the two is planned as a read of every overdue commitment. The second skips what the first
    # recorded (it sees this transaction's rows).
    recorded = record(changes.deadline_ended())
    if changes.any_marked:
        recorded += record(changes.marked())
    return recorded


def skip_recorded_by_constraint() -> bool:
    """Return True if the "went overdue" events already recorded are best skipped by the unique
    constraint (deadline_event_once_per_deadline) than by an anti-join, for the engine in use.

    SQLite skips a row its constraint refuses at no cost beyond the index probe the insert makes
    anyway (INSERT OR IGNORE), where an anti-join adds a probe per row (a quarter of the statement).
    PostgreSQL's ON CONFLICT makes each insert speculative, which costs more than the insert itself
    (+50–60 ms for 10,000 rows, against a few for the anti-join); there the anti-join skips them and
    the plain INSERT is safe because runs take turns (FlagWatermark.lock()): a conflict could only
    come from a writer that bypassed the lock, and would be an error (the run retried), never a
    duplicate."""
    return connection.vendor != "postgresql"


def closed_overdue_episodes(now: dt.datetime, changes: Changes | None = None) -> QuerySet:
    """Return the open "went overdue" episodes whose commitment is no longer overdue against
    that deadline: fulfilled, ended, or its deadline changed. (One whose commitment is still
    open against the same deadline, not yet ended because its zone changed, stays open.)
    With `changes`, only the episodes of commitments a write marked: time alone ends none."""
    still_overdue = Commitment.objects.overdue(now).filter(
        pk=OuterRef("commitment_id"), deadline_in_force=OuterRef("deadline")
    )
    episodes = DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE)
    if changes is not None:
        episodes = episodes.filter(commitment__in=Commitment.objects.filter(changes.marked()))
    return (
        episodes.filter(closed_by__isnull=True)
        .exclude(Exists(still_overdue))
        .filter(
            Q(commitment__current_status__in=[Status.FULFILLED, Status.ENDED])
            | Q(commitment__deadline_in_force__isnull=True)
            | ~Q(commitment__deadline_in_force=F("deadline"))
        )
    )


def record_closed_overdue_episodes(now: dt.datetime, zones: AgreementZones, changes: Changes | None = None) -> int:
    """Record the event that closes each overdue episode that ended; return how many."""
    if changes is not None and not changes.any_marked:
        return 0  # only a write ends an episode
    fulfilled = Q(commitment__current_status=Status.FULFILLED)
    ended = Q(commitment__current_status=Status.ENDED)

    def days_late(tz: ZoneInfo):
        # Commitment.days_late(): calendar days in the zone from the deadline's end to fulfilment.
        return DaysBetween(
            zones.local_date("commitment__fulfilled_at", tz), zones.local_date("commitment__deadline_ends_at", tz)
        )

    columns = _event_columns(
        now,
        commitment=F("commitment_id"),
        agreement=F("commitment__provision_agreement"),
        category=F("commitment__category"),
        closes=F("pk"),
        deadline=F("deadline"),
        deadline_ends_at=F("deadline_ends_at"),
        kind=Case(
            When(fulfilled, then=Value(Kind.FULFILLED_LATE)),
            When(ended, then=Value(Kind.ENDED)),
            default=Value(Kind.EXTENDED),  # extended, or withdrawn (no deadline in force)
        ),
        occurred_at=Case(
            When(fulfilled, then=Coalesce(F("commitment__fulfilled_at"), Value(now))),
            default=Value(now),
            output_field=models.DateTimeField(),
        ),
        days_late=Case(
            When(
                fulfilled & Q(commitment__fulfilled_at__gt=F("commitment__deadline_ends_at")),
                then=zones.per_zone("commitment__provision_agreement__time_zone", days_late),
            ),
            default=Value(None),
            output_field=models.IntegerField(),
        ),
        new_deadline=Case(
            When(fulfilled | ended, then=Value(None)),
            default=F("commitment__deadline_in_force"),
            output_field=models.DateField(),
        ),
    )
    return insert_from_select(DeadlineEvent, columns, closed_overdue_episodes(now, changes))


def reminder_offset(ends_at: dt.datetime, now: dt.datetime, offsets: list[int]) -> int | None:
    """Return the nearest reminder offset (in days) whose window `now` is in, if any.

    With offsets [1, 7], a deadline ending in 3 days is in the 7-day window, one ending
    in 20 hours in the 1-day window. The deadline must still be ahead.
    (The SQL form, for many commitments: reminder_offset_expression.)
    """
    if not now < ends_at:
        return None
    return next((days for days in offsets if ends_at - now <= dt.timedelta(days=days)), None)


def reminder_offset_expression(field: str, now: dt.datetime, offsets: list[int]) -> Case:
    """Return reminder_offset() of the instant `field` as SQL (for rows whose deadline is still ahead)."""
    return Case(
        *[When(**{f"{field}__lte": now + dt.timedelta(days=days)}, then=Value(days)) for days in offsets],
        output_field=models.IntegerField(),
    )


def due_soon_reminders(now: dt.datetime, offsets: list[int]) -> QuerySet:
    """Return the open commitments inside a reminder window at `now` not yet reminded of their
    deadline in force at that offset or a nearer one (a nearer reminder makes a farther one moot),
    with the offset as `reminder_offset`."""
    already_reminded = DeadlineEvent.objects.filter(
        kind=Kind.DUE_SOON,
        commitment=OuterRef("pk"),
        deadline=OuterRef("deadline_in_force"),
        offset_days__lte=OuterRef("reminder_offset"),
    )
    return (
        Commitment.objects.due_soon(now, within=dt.timedelta(days=offsets[-1]))
        .alias(reminder_offset=reminder_offset_expression("deadline_ends_at", now, offsets))
        .exclude(Exists(already_reminded))
    )


def record_due_soon_reminders(now: dt.datetime, offsets: list[int]) -> int:
    """Record a "due soon" reminder for each commitment entering a reminder window; return how many."""
    if not offsets:
        return 0
    columns = _event_columns(
        now,
        commitment=F("pk"),
        agreement=F("provision_agreement"),
        category=F("category"),
        kind=Value(Kind.DUE_SOON),
        deadline=F("deadline_in_force"),
        deadline_ends_at=F("deadline_ends_at"),
        occurred_at=Value(now, output_field=models.DateTimeField()),
        offset_days=F("reminder_offset"),
    )
    return insert_from_select(DeadlineEvent, columns, due_soon_reminders(now, offsets))


def _month_index(year, month):
    return year * 12 + month


class UTCMonthIndex(Func):
    """year × 12 + month of the instant in a datetime column, in UTC: _month_index in SQL.

    Written out rather than ExtractYear/ExtractMonth, which SQLite computes with a Python function
    per row (in the current time zone, which the filter below does not need)."""

    template = (
        "(CAST(EXTRACT(YEAR FROM %(expressions)s AT TIME ZONE 'UTC') AS integer) * 12"
        " + CAST(EXTRACT(MONTH FROM %(expressions)s AT TIME ZONE 'UTC') AS integer))"
    )
    arity = 1  # a column: the template names it twice
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, sql_connection, **extra_context):
        # SQLite stores the instant as UTC text, which its own strftime reads. strftime's % is
        # doubled twice: once for this template, once for the placeholders' substitution.
        return self.as_sql(
            compiler,
            sql_connection,
            template="(CAST(strftime('%%%%Y', %(expressions)s) AS INTEGER) * 12"
            " + CAST(strftime('%%%%m', %(expressions)s) AS INTEGER))",
            **extra_context,
        )


class UTCDayHour(Func):
    """day of the month × 100 + hour of the instant in a datetime column, in UTC (31 December at
    23:10 is 3123), as UTCMonthIndex."""

    template = (
        "(CAST(EXTRACT(DAY FROM %(expressions)s AT TIME ZONE 'UTC') AS integer) * 100"
        " + CAST(EXTRACT(HOUR FROM %(expressions)s AT TIME ZONE 'UTC') AS integer))"
    )
    arity = 1
    output_field = models.IntegerField()

    def as_sqlite(self, compiler, sql_connection, **extra_context):
        # strftime's % doubled twice, as in UTCMonthIndex.
        template = "CAST(strftime('%%%%d%%%%H', %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, sql_connection, template=template, **extra_context)


# How many hours a time zone's clock can be behind UTC (UTC−12, and an hour's margin): an instant
# this close to the start of a month in UTC may still be in the month before in the agreement's zone.
ZONE_HOURS_BEHIND = 13


class InlineWord(Value):
    """A fixed word (a choice's value) written into the SQL as text rather than passed as a
    parameter. SQLite serves a condition from a partial index with no read of the table's rows only
    when the query names the index's own condition, text for text (a parameter is compared row by
    row, reading each one)."""

    def as_sql(self, compiler, sql_connection):
        word = str(self.value)
        if not re.fullmatch(r"[a-z_]+", word):
            raise ValueError(f"not a plain word: {word!r}")
        return f"'{word}'", []


def notice_falls_near(renewable: QuerySet, now: dt.datetime, days_ahead: int) -> QuerySet:
    """Return the renewable terms among `renewable` whose notice deadline may fall within
    `days_ahead` days of `now`: a coarse filter in SQL, so that Python computes the exact notice
    deadline (Commitment.notice_deadline) of a few terms rather than of all of them.

    A notice deadline falls in the month `term_months × k − notice_months` after the month the
    term started, for some k (adding months keeps the month exact; only the day is clamped). The
    filter keeps the terms for which such a month lies within the window's months (the window
    reaches two days either side of the reminders' days).

    The start is a date in the agreement's zone, taken as the month of the entry into force in UTC,
    except early on the 1st in UTC, when a zone behind UTC is still in the month before: the filter
    then allows for both months. (A zone ahead of UTC can be in the month after, on its 1st; the
    notices then fall on a 1st, and the window's two days before today reach the month before.)"""
    first = now.date() - dt.timedelta(days=2)
    last = now.date() + dt.timedelta(days=days_ahead + 2)
    low, high = _month_index(first.year, first.month), _month_index(last.year, last.month)
    # Through the commitment's own copy of its agreement: the partial index commitment_renewable
    # holds it with the term and the notice, so the filter reads no commitment row.
    entry_into_force = "provision_agreement__entry_into_force"
    may_be_month_before = Case(When(LessThan(UTCDayHour(entry_into_force), 100 + ZONE_HOURS_BEHIND), then=1), default=0)
    term = F("term_months")
    # A notice month in [low, high] means term × k − notice in [low − start, high − start + 1 if the
    # start may be the month before]: the first multiple of the term at or after the low end is at
    # most `span` above it.
    before = Value(low) - UTCMonthIndex(entry_into_force) + F("notice_months")
    span = Value(high - low) + may_be_month_before
    # % rather than Mod, which SQLite computes with a Python function per row; both engines' %
    # takes the dividend's sign, hence the term added before the second one.
    ahead = ((Value(0) - before) % term + term) % term
    return (
        renewable.filter(term_months__gt=0, notice_months__isnull=False)
        .alias(notice_ahead=ahead, notice_span=span)
        .filter(notice_ahead__lte=F("notice_span"))
    )


def record_notice_reminders(now: dt.datetime, offsets: list[int]) -> int:
    """Record reminders that the notice deadline of a renewable term (such as the
    peacekeepers' five-year mandate) is near; return how many. Its deadline is computed
    (Commitment.notice_deadline), not stored, so this one step works in Python, on the terms
    that notice_falls_near() leaves."""
    if not offsets:
        return 0
    near = notice_falls_near(
        # Not only open ones: a fulfilled deployment's mandate still renews; the term's own
        # rule (Commitment.notice_deadline) says when it stopped.
        # The word as the partial index commitment_renewable names it (InlineWord).
        Commitment.objects.filter(deadline_kind=InlineWord(Commitment.DeadlineKind.RENEWABLE)),
        now,
        offsets[-1],
    )
    renewable = (
        # The filter first (from its index alone), then the few rows it leaves.
        Commitment.objects.filter(pk__in=near.order_by().values("pk"))
        .select_related("provision__agreement")
        .only(
            "pk",
            "provision_agreement",
            "category",
            "deadline_kind",
            "term_months",
            "notice_months",
            "current_status",  # Commitment.ended_on: an ended mandate stops renewing
            "status_as_of",
            "provision__agreement__time_zone",
            "provision__agreement__entry_into_force",
        )
        .order_by()
    )
    reminded = set(
        DeadlineEvent.objects.filter(
            kind=Kind.NOTICE_DUE_SOON, deadline__gte=(now - dt.timedelta(days=2)).date()
        ).values_list("commitment_id", "deadline", "offset_days")
    )
    events = []
    for commitment in renewable:
        tz = commitment.agreement.tz
        notice = commitment.notice_deadline(commitment.agreement.local_today(now))
        if notice is None:
            continue
        ends_at = end_of_day(notice, tz)
        offset = reminder_offset(ends_at, now, offsets)
        if offset is None or any((commitment.pk, notice, days) in reminded for days in offsets if days <= offset):
            continue
        events.append(
            DeadlineEvent(
                commitment_id=commitment.pk,
                agreement_id=commitment.provision_agreement_id,
                category=commitment.category,
                kind=Kind.NOTICE_DUE_SOON,
                deadline=notice,
                deadline_ends_at=ends_at,
                occurred_at=now,
                detected_at=now,
                offset_days=offset,
                alerts_queued=True,  # queued below, in this transaction
            )
        )
    return len(DeadlineEvent.objects.bulk_create(events, ignore_conflicts=True))


# --- Recipients -------------------------------------------------------------------------


class SQL:
    """A piece of SQL and its parameters."""

    def __init__(self, text: str, params: list | tuple = ()) -> None:
        self.text, self.params = text, list(params)

    @classmethod
    def of(cls, queryset: QuerySet) -> SQL:
        return cls(*queryset.query.get_compiler(connection=_database()).as_sql())


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def events_to_queue(now: dt.datetime, after_id: int) -> tuple[QuerySet, QuerySet]:
    """Return the events whose alerts are not queued yet, in two parts that cannot overlap (this
    run's events are recorded queued): those this run recorded (ids above `after_id`, detected at
    `now`), and any recorded without their alerts (none, normally)."""
    return (
        DeadlineEvent.objects.filter(pk__gt=after_id, detected_at=now),
        DeadlineEvent.objects.filter(alerts_queued=False),
    )


def _events_cte(now: dt.datetime, after_id: int) -> SQL:
    """The events to queue (events_to_queue) with what recipients are matched on (the agreement and
    category each event copied from its commitment, so no commitment is read), as a CTE named ev:
    the UNION ALL of the two parts, each read through its own index (the ids above `after_id`; the
    partial index of unqueued events), where one condition with an OR is planned as a read of every
    event."""
    columns = ("pk", "commitment_id", "category", "agreement_id")
    this_run, unqueued = (SQL.of(part.order_by().values_list(*columns)) for part in events_to_queue(now, after_id))
    return SQL(
        f"WITH ev (id, commitment_id, category, agreement_id) AS ({this_run.text} UNION ALL {unqueued.text})",
        [*this_run.params, *unqueued.params],
    )


def _json_list_contains(column: str, value: str) -> str:
    """SQL: the JSON list in `column` holds the string `value`. On SQLite, the text is searched for
    the quoted value before the list is read (a category is a plain ASCII word, which JSON writes
    as it is), so only the lists that may hold it are read."""
    if connection.vendor == "postgresql":
        return f"{column} ? {value}"  # jsonb: a string element of the list
    return (
        f"instr({column}, '\"' || {value} || '\"') > 0"
        f" AND EXISTS (SELECT 1 FROM json_each({column}) j WHERE j.value = {value})"
    )


def followers_sql(model: type[Subscriber] | type[WebhookEndpoint], label: str = "id") -> tuple[str, str]:
    """Return (CTEs, SELECT): (event_id, follower_id, label: the follower's `label` column) for
    every event in ev and every follower (a Subscriber or a WebhookEndpoint) who follows its
    commitment, the rule of Follower.follows in SQL (a test proves they agree). A follower who
    chose agreements, parties or categories follows what is in any of them; one who chose nothing
    follows everything.

    Each kind of choice is its own join, so the cost is that of the matches, not events ×
    followers: agreements and parties through their indexes; categories and "everything" through
    the stored scope's partial indexes, as sets computed once (MATERIALIZED: the planner cannot
    know how many events this run recorded, and must not re-read them for each event). The
    followers of categories are read for the categories among the events only. The events'
    agreements and categories are gathered in one pass over them (ev_keys)."""
    table = _q(model._meta.db_table)
    follows = {}
    for name in ("agreements", "parties"):
        field = model._meta.get_field(name)
        follows[name] = (
            _q(field.remote_field.through._meta.db_table),
            _q(field.m2m_column_name()),
            _q(field.m2m_reverse_name()),
        )
    agreement_follows, follower_a, agreement = follows["agreements"]
    party_follows, follower_p, party = follows["parties"]
    responsible = Commitment.responsible_parties.field
    responsible_table = _q(responsible.remote_field.through._meta.db_table)
    responsible_commitment, responsible_party = _q(responsible.m2m_column_name()), _q(responsible.m2m_reverse_name())
    categories = _q(model._meta.get_field("categories").column)
    label = _q(model._meta.get_field(label).column)
    # The stored scope (FollowerQuerySet.refresh_follow_scope) finds the followers of categories
    # and of everything through partial indexes, rather than by reading every follower.
    ctes = f"""
        ev_keys (agreement_id, category) AS MATERIALIZED (SELECT DISTINCT agreement_id, category FROM ev),
        ev_agreements (agreement_id) AS MATERIALIZED (SELECT DISTINCT agreement_id FROM ev_keys),
        ev_categories (category) AS MATERIALIZED (SELECT DISTINCT category FROM ev_keys),
        by_agreement (follower_id, label, agreement_id) AS MATERIALIZED (
            SELECT f.id, f.{label}, a.agreement_id FROM ev_agreements a CROSS JOIN {agreement_follows} fa
            CROSS JOIN {table} f WHERE fa.{agreement} = a.agreement_id AND f.id = fa.{follower_a}
        ),
        by_category (follower_id, label, category) AS MATERIALIZED (
            SELECT f.id, f.{label}, c.category FROM ev_categories c CROSS JOIN {table} f
            WHERE f.{_q("follows_categories")} AND {_json_list_contains(f"f.{categories}", "c.category")}
        ),
        everyone (follower_id, label) AS MATERIALIZED (
            SELECT f.id, f.{label} FROM {table} f WHERE f.{_q("follows_everything")}
        )"""
    # CROSS JOIN … WHERE, from ev: SQLite then reads the events first (its documented way to fix a
    # join order), where it would otherwise read every follower or every commitment's parties and
    # probe the events for each, not knowing how few they are; PostgreSQL plans it as any join.
    # The followers of agreements and categories are looked up once per agreement or category
    # among the events, not once per event; those who follow everything, before the events.
    select = f"""
        SELECT ev.id AS event_id, by_agreement.follower_id AS follower_id, by_agreement.label AS label
        FROM ev_agreements a CROSS JOIN by_agreement CROSS JOIN ev
        WHERE by_agreement.agreement_id = a.agreement_id AND ev.agreement_id = a.agreement_id
        UNION
        SELECT ev.id, f.id, f.{label}
        FROM ev CROSS JOIN {responsible_table} r CROSS JOIN {party_follows} fp CROSS JOIN {table} f
        WHERE r.{responsible_commitment} = ev.commitment_id AND fp.{party} = r.{responsible_party}
        AND f.id = fp.{follower_p}
        UNION
        SELECT ev.id, by_category.follower_id, by_category.label
        FROM ev_categories c CROSS JOIN by_category CROSS JOIN ev
        WHERE by_category.category = c.category AND ev.category = c.category
        UNION
        SELECT ev.id, everyone.follower_id, everyone.label FROM everyone CROSS JOIN ev
    """
    return ctes, select


def _insert_deliveries(now: dt.datetime, events: SQL, columns: dict[str, str], rows: SQL, more_ctes: str = "") -> int:
    """INSERT INTO the outbox … (events CTE) SELECT `columns` FROM `rows`, skipping a recipient
    who already has the event (unique per event and address or endpoint); return how many."""
    fields = [AlertDelivery._meta.get_field(name) for name in columns]
    fixed = {
        "status": ("%s", AlertDelivery.Status.PENDING),
        "attempts": ("0", None),
        "created_at": ("%s", now),
        "next_attempt_at": ("%s", now),
        "claim_token": ("''", None),
        "last_error": ("''", None),
    }
    fields += [AlertDelivery._meta.get_field(name) for name in fixed]
    values, params = [], []
    for field, (placeholder, value) in fixed.items():
        values.append(placeholder)
        if placeholder == "%s":
            params.append(AlertDelivery._meta.get_field(field).get_db_prep_value(value, connection))
    column_list = ", ".join(_q(field.column) for field in fields)
    sql = (
        f"{connection.ops.insert_statement(on_conflict=OnConflict.IGNORE)} {_q(AlertDelivery._meta.db_table)} "
        f"({column_list}) {events.text}{',' + more_ctes if more_ctes else ''} "
        f"SELECT {', '.join(columns.values())}, {', '.join(values)} {rows.text} "
        f"{connection.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)}"
    )
    # Placeholders appear in order: the CTE's, the fixed values', then the rows'.
    with connection.cursor() as cursor:
        cursor.execute(sql, [*events.params, *params, *rows.params])
        return cursor.rowcount


def _visible_agreements(user) -> SQL:
    """The ids of the agreements `user` may see: the admin's rule, Agreement.objects.visible_to()."""
    return SQL.of(Agreement.objects.visible_to(user).order_by().values("pk"))


def _monitors_rows() -> SQL | None:
    """FROM … WHERE: each event with every active staff monitor who opted in to its agreement and
    may still see it (Agreement.objects.visible_to, so a monitor removed from an agreement stops
    getting its alerts). A query or two per monitor (their permissions), not per event."""
    User = get_user_model()
    opted_in = User.objects.filter(
        is_active=True, is_staff=True, pk__in=MonitorSubscription.objects.values("user_id")
    ).exclude(email="")
    branches, params = [], []
    for user in opted_in:
        visible = _visible_agreements(user)
        branches.append(f"(ms.{_q('user_id')} = %s AND ev.agreement_id IN ({visible.text}))")
        params += [user.pk, *visible.params]
    if not branches:
        return None
    users = _q(User._meta.db_table)
    opt_ins = _q(MonitorSubscription._meta.db_table)
    return SQL(
        f"FROM ev JOIN {opt_ins} ms ON ms.{_q('agreement_id')} = ev.agreement_id "
        f"JOIN {users} u ON u.{_q(User._meta.pk.column)} = ms.{_q('user_id')} WHERE {' OR '.join(branches)}",
        params,
    )


def _endpoint_rows() -> tuple[str, SQL] | None:
    """FROM … WHERE: each event with every active webhook endpoint that follows it; an endpoint a
    monitor registered gets only what that monitor may see (and nothing once the monitor is no
    longer active staff)."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True)
    if not endpoints.exists():  # one query when nobody registered an endpoint
        return None
    User = get_user_model()
    monitors = User.objects.filter(is_active=True, is_staff=True, pk__in=endpoints.values("monitor_id"))
    branches, params = ["f.monitor_id IS NULL"], []
    for user in monitors:
        visible = _visible_agreements(user)
        branches.append(f"(f.monitor_id = %s AND m.agreement_id IN ({visible.text}))")
        params += [user.pk, *visible.params]
    ctes, pairs = followers_sql(WebhookEndpoint)
    return ctes, SQL(
        f"FROM ({pairs}) pairs "
        f"JOIN {_q(WebhookEndpoint._meta.db_table)} f ON f.id = pairs.follower_id "
        f"JOIN ev m ON m.id = pairs.event_id "
        f"WHERE f.is_active = %s AND ({' OR '.join(branches)})",
        [WebhookEndpoint._meta.get_field("is_active").get_db_prep_value(True, connection), *params],
    )


def queue_alerts(now: dt.datetime, *, after_id: int, notify: bool = True) -> tuple[int, int]:
    """Write one outbox row per recipient and channel for each event to queue (events_to_queue):
    monitors first (an address both a monitor's and a subscriber's gets the monitor's alert),
    then subscribers, then webhook endpoints. Return (deliveries written, events recorded
    earlier without their alerts, now queued)."""
    deliveries = 0
    if notify:
        if connection.vendor == "postgresql":
            # The planner guesses 100 categories per follower (it cannot see into JSON lists), and
            # on that guess would compile these statements to machine code (JIT), which costs more
            # than running them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        events = _events_cte(now, after_id)
        Channel = AlertDelivery.Channel
        monitors = _monitors_rows()
        if monitors is not None:
            deliveries += _insert_deliveries(
                now,
                events,
                {"event": "ev.id", "channel": f"'{Channel.EMAIL}'", "to_email": "LOWER(u.email)", "monitor": "u.id"},
                monitors,
            )
        ctes, pairs = followers_sql(Subscriber, label="email")
        deliveries += _insert_deliveries(
            now,
            events,
            {
                "event": "pairs.event_id",
                "channel": f"'{Channel.EMAIL}'",
                "to_email": "LOWER(pairs.label)",
                "subscriber": "pairs.follower_id",
            },
            SQL(f"FROM ({pairs}) pairs"),
            more_ctes=ctes,
        )
        endpoints = _endpoint_rows()
        if endpoints is not None:
            ctes, rows = endpoints
            deliveries += _insert_deliveries(
                now,
                events,
                {"event": "pairs.event_id", "channel": f"'{Channel.WEBHOOK}'", "to_email": "''", "endpoint": "f.id"},
                rows,
                more_ctes=ctes,
            )
    earlier = DeadlineEvent.objects.filter(alerts_queued=False).update(alerts_queued=True)
    return deliveries, earlier

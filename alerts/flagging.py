"""Flagging: record every change of a commitment's deadline state as a DeadlineEvent, and
in the same transaction queue one AlertDelivery (outbox) row per recipient.

Detection and notification are separate steps, as in healthchecks: sending.py claims
and sends what this module queues. Time is a parameter; only tasks and commands read
the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from commitments.models import Agreement, Commitment, Status, end_of_day

from .models import AlertDelivery, DeadlineEvent, MonitorSubscription, Subscriber, WebhookEndpoint

Kind = DeadlineEvent.Kind


@dataclass
class FlagResult:
    events: int
    deliveries: int


def flag_deadline_events(
    now: dt.datetime, *, reminder_days: list[int] | None = None, notify: bool = True
) -> FlagResult:
    """Record every change of deadline state as of `now`, and queue alerts for the new events.

    Set-based: a fixed number of queries whatever the number of commitments. Idempotent:
    the unique constraints on DeadlineEvent make a second run, or a concurrent one, insert
    nothing it has already recorded, and AlertDelivery is unique per event and address.
    With notify=False (a first run over historical data) events are recorded but no one
    is alerted.
    """
    offsets = sorted(set(settings.ALERTS_REMINDER_DAYS if reminder_days is None else reminder_days))
    with transaction.atomic():
        candidates = [
            *_closed_overdue_episodes(now),
            *_new_overdue_episodes(now),
            *_due_soon_reminders(now, offsets),
            *_notice_reminders(now, offsets),
        ]
        DeadlineEvent.objects.bulk_create(candidates, ignore_conflicts=True)
        return _queue_alerts(now, notify)


def _new_overdue_episodes(now: dt.datetime) -> list[DeadlineEvent]:
    already_flagged = DeadlineEvent.objects.filter(
        kind=Kind.WENT_OVERDUE, commitment=OuterRef("pk"), deadline=OuterRef("deadline_in_force")
    )
    return [
        DeadlineEvent(
            commitment=commitment,
            kind=Kind.WENT_OVERDUE,
            deadline=commitment.deadline_in_force,
            deadline_ends_at=commitment.deadline_ends_at,
            occurred_at=commitment.deadline_ends_at,
            detected_at=now,
            days_overdue=commitment.days_overdue(now),
        )
        for commitment in Commitment.objects.overdue(now)
        .exclude(Exists(already_flagged))
        .select_related("provision__agreement")
        .order_by()
    ]


def _closed_overdue_episodes(now: dt.datetime) -> list[DeadlineEvent]:
    """Return closing events for open "went overdue" episodes whose commitment is no longer
    overdue against that deadline: fulfilled, ended, or its deadline changed."""
    still_overdue = Commitment.objects.overdue(now).filter(
        pk=OuterRef("commitment_id"), deadline_in_force=OuterRef("deadline")
    )
    open_episodes = (
        DeadlineEvent.objects.filter(kind=Kind.WENT_OVERDUE, closed_by__isnull=True)
        .exclude(Exists(still_overdue))
        .select_related("commitment__provision__agreement")
    )
    events = []
    for episode in open_episodes:
        commitment = episode.commitment
        event = DeadlineEvent(
            commitment=commitment,
            closes=episode,
            deadline=episode.deadline,
            deadline_ends_at=episode.deadline_ends_at,
            occurred_at=now,
            detected_at=now,
        )
        if commitment.current_status == Status.FULFILLED:
            event.kind = Kind.FULFILLED_LATE
            event.days_late = commitment.days_late()
            event.occurred_at = commitment.fulfilled_at or now
        elif commitment.current_status == Status.ENDED:
            event.kind = Kind.ENDED
        elif commitment.deadline_in_force != episode.deadline:
            # Extended (or withdrawn: None). If the new deadline has passed too, the
            # next step opens a new episode against it.
            event.kind = Kind.EXTENDED
            event.new_deadline = commitment.deadline_in_force
        else:
            continue  # same deadline, not yet ended (its zone changed): still open
        events.append(event)
    return events


def reminder_offset(ends_at: dt.datetime, now: dt.datetime, offsets: list[int]) -> int | None:
    """Return the nearest reminder offset (in days) whose window `now` is in, if any.

    With offsets [1, 7], a deadline ending in 3 days is in the 7-day window, one ending
    in 20 hours in the 1-day window. The deadline must still be ahead.
    """
    if not now < ends_at:
        return None
    return next((days for days in offsets if ends_at - now <= dt.timedelta(days=days)), None)


def _due_soon_reminders(now: dt.datetime, offsets: list[int]) -> list[DeadlineEvent]:
    if not offsets:
        return []
    due_soon = Commitment.objects.due_soon(now, within=dt.timedelta(days=offsets[-1])).order_by()
    reminded = set(
        DeadlineEvent.objects.filter(kind=Kind.DUE_SOON, commitment__in=due_soon.values("pk")).values_list(
            "commitment_id", "deadline", "offset_days"
        )
    )
    events = []
    for commitment in due_soon:
        offset = reminder_offset(commitment.deadline_ends_at, now, offsets)
        # Once per deadline in force: a nearer reminder already sent makes a farther one moot.
        if offset is None or any(
            (commitment.pk, commitment.deadline_in_force, days) in reminded for days in offsets if days <= offset
        ):
            continue
        events.append(
            DeadlineEvent(
                commitment=commitment,
                kind=Kind.DUE_SOON,
                deadline=commitment.deadline_in_force,
                deadline_ends_at=commitment.deadline_ends_at,
                occurred_at=now,
                detected_at=now,
                offset_days=offset,
            )
        )
    return events


def _notice_reminders(now: dt.datetime, offsets: list[int]) -> list[DeadlineEvent]:
    """Return reminders that the notice deadline of a renewable term (such as the
    peacekeepers' five-year mandate) is near. Its deadline is computed, not stored, by the
    model's rule (Commitment.notice_deadline): none once an assessment says the mandate ended."""
    if not offsets:
        return []
    renewable = (
        Commitment.objects.filter(deadline_kind=Commitment.DeadlineKind.RENEWABLE)
        .select_related("provision__agreement")
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
                commitment=commitment,
                kind=Kind.NOTICE_DUE_SOON,
                deadline=notice,
                deadline_ends_at=ends_at,
                occurred_at=now,
                detected_at=now,
                offset_days=offset,
            )
        )
    return events


class FollowerIndex:
    """Who follows each commitment, found by lookup instead of asking every follower about
    every event. The same rule as Subscriber.follows (a test proves they agree), read from
    plain rows: building model instances for tens of thousands of subscribers is the slow part.

    Followers are subscribers or webhook endpoints: both have agreements, parties and
    categories, and none chosen means everything. `label` is what `of()` returns beside each
    id (the subscriber's email).
    """

    def __init__(self, followers: QuerySet, label: str = "email") -> None:
        self.emails: dict[int, str] = dict(followers.values_list("pk", label))
        if not self.emails:  # .none(): nothing to read
            self.by_agreement = self.by_party = self.by_category = {}
            self.everything = set()
            return
        # Most follow no category: decode the JSON of those who do only.
        categories = dict(followers.exclude(categories=[]).values_list("pk", "categories"))
        self.by_agreement = self._group(followers.model, "agreements")
        self.by_party = self._group(followers.model, "parties")
        self.by_category: dict[str, set[int]] = {}
        for pk, followed in categories.items():
            for category in followed or []:
                self.by_category.setdefault(category, set()).add(pk)
        chose_something = set().union(*self.by_agreement.values(), *self.by_party.values(), *self.by_category.values())
        self.everything = set(self.emails) - chose_something

    def _group(self, model, name: str) -> dict[int, set[int]]:
        relation = model._meta.get_field(name)
        pairs = relation.remote_field.through.objects.values_list(
            relation.m2m_column_name(), relation.m2m_reverse_name()
        )
        groups: dict[int, set[int]] = {}
        for follower_id, target_id in pairs:
            if follower_id in self.emails:
                groups.setdefault(target_id, set()).add(follower_id)
        return groups

    def of(self, commitment: Commitment) -> list[tuple[int, str]]:
        """Return (follower id, label) of those who follow `commitment`, by id."""
        found = set(self.everything)
        found |= self.by_agreement.get(commitment.provision.agreement_id, set())
        found |= self.by_category.get(commitment.category, set())
        for party in commitment.responsible_parties.all():
            found |= self.by_party.get(party.pk, set())
        return [(pk, self.emails[pk]) for pk in sorted(found)]


def monitors_following() -> dict[int, list]:
    """Return, per agreement id, the active staff monitors who opted in to its alerts and may
    still see it: the admin's rule, Agreement.objects.visible_to(), so a monitor removed from
    an agreement stops getting its alerts. A query or two per monitor, not per event."""
    by_user: dict[int, list[MonitorSubscription]] = {}
    opt_ins = MonitorSubscription.objects.filter(user__is_active=True, user__is_staff=True).exclude(user__email="")
    for opt_in in opt_ins.select_related("user"):
        by_user.setdefault(opt_in.user_id, []).append(opt_in)
    following: dict[int, list] = {}
    for user_opt_ins in by_user.values():
        user = user_opt_ins[0].user
        visible = set(Agreement.objects.visible_to(user).values_list("pk", flat=True))
        for opt_in in user_opt_ins:
            if opt_in.agreement_id in visible:
                following.setdefault(opt_in.agreement_id, []).append(user)
    return following


def endpoints_following() -> tuple[FollowerIndex, dict[int, set[int] | None]]:
    """Return the active webhook endpoints as a FollowerIndex, and for each endpoint a monitor
    registered, the agreements that monitor may see (None: a public endpoint, no limit): a
    monitor's endpoint gets only what the monitor could see in the admin."""
    endpoints = (
        WebhookEndpoint.objects.filter(is_active=True)
        .exclude(monitor__isnull=False, monitor__is_active=False)
        .exclude(monitor__isnull=False, monitor__is_staff=False)
    )
    active = list(endpoints.select_related("monitor"))
    if not active:  # one query when nobody registered an endpoint
        return FollowerIndex(WebhookEndpoint.objects.none(), label="url"), {}
    index = FollowerIndex(endpoints, label="url")
    visible: dict[int, set[int] | None] = {}
    by_monitor: dict[int, set[int]] = {}
    for endpoint in active:
        if endpoint.monitor_id is None:
            visible[endpoint.pk] = None
            continue
        if endpoint.monitor_id not in by_monitor:
            by_monitor[endpoint.monitor_id] = set(
                Agreement.objects.visible_to(endpoint.monitor).values_list("pk", flat=True)
            )
        visible[endpoint.pk] = by_monitor[endpoint.monitor_id]
    return index, visible


def _queue_alerts(now: dt.datetime, notify: bool) -> FlagResult:
    """Write one outbox row per recipient and channel for each event not yet queued; mark them queued."""
    events = list(
        DeadlineEvent.objects.filter(alerts_queued=False)
        .select_related("commitment__provision")
        .prefetch_related("commitment__responsible_parties")
    )
    if not events:
        return FlagResult(events=0, deliveries=0)
    deliveries = []
    if notify:
        followers = FollowerIndex(Subscriber.objects.all())
        monitors_by_agreement = monitors_following()
        endpoints, visible_to_owner = endpoints_following()
        for event in events:
            commitment = event.commitment
            agreement_id = commitment.provision.agreement_id
            recipients: dict[str, dict] = {}
            for user in monitors_by_agreement.get(agreement_id, []):
                recipients.setdefault(user.email.lower(), {"monitor": user})
            for subscriber_id, email in followers.of(commitment):
                recipients.setdefault(email.lower(), {"subscriber_id": subscriber_id})
            deliveries += [
                AlertDelivery(event=event, to_email=email, created_at=now, next_attempt_at=now, **recipient)
                for email, recipient in recipients.items()
            ]
            deliveries += [
                AlertDelivery(
                    event=event,
                    channel=AlertDelivery.Channel.WEBHOOK,
                    endpoint_id=endpoint_id,
                    created_at=now,
                    next_attempt_at=now,
                )
                for endpoint_id, _url in endpoints.of(commitment)
                if visible_to_owner[endpoint_id] is None or agreement_id in visible_to_owner[endpoint_id]
            ]
    AlertDelivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    DeadlineEvent.objects.filter(pk__in=[event.pk for event in events], alerts_queued=False).update(alerts_queued=True)
    return FlagResult(events=len(events), deliveries=len(deliveries))

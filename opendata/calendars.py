"""iCalendar (RFC 5545) of deadlines, per agreement and for any filtered commitment list.

Each deadline in force is an all-day event on its date, a date in the agreement's own
time zone (the day ends at midnight there). An event's UID never changes, and its
SEQUENCE is the number of agreed deadline changes, so a calendar app that subscribed
moves the event when a deadline is extended instead of adding a second one. Renewable
mandates get, for each term up to the one after the current, the last day to give
notice and the day the term expires; once a mandate has ended (or is fulfilled), none
after the date of that assessment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from commitments.models import (
    CLOSED_STATUSES,
    Agreement,
    Commitment,
    CommitmentQuerySet,
    StatusUpdate,
    end_of_day,
)

from .exports import filter_commitments, invalid_filters_response
from .http import conditional

ONE_DAY = dt.timedelta(days=1)
# The right-hand side of every UID: the application's name, not the site's host.
UID_DOMAIN = "ceasefire-tracker"
REFRESH_INTERVAL = dt.timedelta(hours=6)  # how often subscribed apps should fetch again (also X-PUBLISHED-TTL)


def uid(commitment: Commitment, kind: str) -> str:
    """Return the event's UID from natural keys (agreement slug, commitment code, kind of date),
    so it stays the same when the data is reloaded into another database or the site moves."""
    return f"{commitment.agreement.slug}/{commitment.code}/{kind}@{UID_DOMAIN}"


def terms(commitment: Commitment, today: dt.date) -> Iterator[tuple[int, dt.date, dt.date | None]]:
    """Yield (number, expiry, last day for notice) for each term of a renewable commitment,
    from the first to the one after the term running on `today`."""
    current = commitment.term_expiry(today)
    day = commitment.agreement.entry_into_force_date()
    number = 1
    while True:
        expiry = commitment.term_expiry(day)
        yield number, expiry, commitment.notice_deadline(day)
        if expiry > current:
            return
        day, number = expiry + ONE_DAY, number + 1


def all_day_event(uid: str, day: dt.date, summary: str, description: str, url: str, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(dt.UTC))
    event.add("dtstart", day)
    event.add("dtend", day + ONE_DAY)
    event.add("transp", "TRANSPARENT")
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    return event


def commitment_events(commitment: Commitment, request: HttpRequest, today: dt.date) -> Iterator[Event]:
    agreement = commitment.agreement
    url = request.build_absolute_uri(commitment.get_absolute_url())
    parties = ", ".join(party.name for party in commitment.responsible_parties.all())
    about = _("%(agreement)s, point %(number)s. Responsible: %(parties)s. Status: %(status)s.") % {
        "agreement": agreement,
        "number": commitment.provision.number,
        "parties": parties,
        "status": commitment.get_current_status_display(),
    }
    # DTSTAMP is when the event was last revised (RFC 5545 3.8.7.2 for a calendar without METHOD):
    # the latest agreed change, else the agreement's entry into force. Stable between requests.
    changes = list(commitment.deadline_changes.all())
    stamp = max((change.recorded_at for change in changes), default=agreement.entry_into_force)

    if commitment.deadline_in_force:
        ends = end_of_day(commitment.deadline_in_force, agreement.tz)
        lines = [
            about,
            _("The day ends at midnight %(zone)s time (%(utc)s UTC).")
            % {"zone": agreement.time_zone, "utc": ends.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M")},
        ]
        if changes:
            lines.append(
                _("Original deadline %(original)s, changed %(count)d time(s).")
                % {"original": commitment.original_deadline(), "count": len(changes)}
            )
        lines.append(url)
        event = all_day_event(
            uid(commitment, "deadline"),
            commitment.deadline_in_force,
            _("Deadline: %(title)s") % {"title": commitment.title},
            "\n".join(lines),
            url,
            stamp,
        )
        event.add("sequence", len(changes))
        yield event

    if commitment.deadline_kind == Commitment.DeadlineKind.RENEWABLE and commitment.term_months:
        # A deadline stops applying once a commitment is fulfilled or ended.
        closed_on = commitment.status_as_of if commitment.current_status in CLOSED_STATUSES else None
        for number, expiry, notice in terms(commitment, today):
            if notice and not (closed_on and notice > closed_on):
                event = all_day_event(
                    uid(commitment, f"term-{number}-notice"),
                    notice,
                    _("Last day to give notice: %(title)s") % {"title": commitment.title},
                    "\n".join(
                        [
                            about,
                            _("Notice to end term %(number)d (expires %(expiry)s) is due by this day.")
                            % {"number": number, "expiry": expiry},
                            url,
                        ]
                    ),
                    url,
                    stamp,
                )
                event.add("sequence", 0)
                yield event
            if closed_on and expiry > closed_on:
                return
            event = all_day_event(
                uid(commitment, f"term-{number}-expiry"),
                expiry,
                _("Term %(number)d ends: %(title)s") % {"number": number, "title": commitment.title},
                "\n".join([about, _("Renewed automatically unless a party gave notice in time."), url]),
                url,
                stamp,
            )
            event.add("sequence", 0)
            yield event


def calendar_response(
    commitments: CommitmentQuerySet, request: HttpRequest, name: str, zone: str | None, filename: str
) -> HttpResponse:
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Ceasefire Tracker//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if zone:
        calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT6H")
    # The date of the current assessment: when a closed commitment was closed.
    current_as_of = StatusUpdate.objects.current().filter(commitment=OuterRef("pk")).values("as_of")[:1]
    for commitment in commitments.annotate(status_as_of=Subquery(current_as_of)):
        for event in commitment_events(commitment, request, commitment.agreement.local_today(now)):
            calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@conditional(time_dependent=True)
def agreement_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    agreement = get_object_or_404(Agreement, slug=slug)
    commitments = Commitment.objects.for_open_data().for_agreement(agreement).order_by("provision__position", "pk")
    return calendar_response(
        commitments,
        request,
        _("%(agreement)s: deadlines") % {"agreement": agreement},
        agreement.time_zone,
        f"{agreement.slug}-deadlines.ics",
    )


@conditional(time_dependent=True)
def commitment_list_calendar(request: HttpRequest) -> HttpResponse:
    filterset = filter_commitments(request, timezone.now())
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    return calendar_response(filterset.qs, request, _("Ceasefire Tracker: deadlines"), None, "deadlines.ics")

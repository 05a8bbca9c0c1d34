"""Downloads: any filtered commitment list as CSV or JSON (the dashboard's filters, the
same query string), an agreement in the seed format as JSON, and the incident log (the
incident pages' filters) as CSV, JSON and CSV in ACLED's column layout."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from commitments.acled import EventType, SubEventType, TimePrecision, disorder_type
from commitments.filters import CommitmentFilter, IncidentFilter
from commitments.models import (
    Agreement,
    CasualtyReport,
    Commitment,
    Incident,
    Verification,
    iso_date,
    published_only,
    support_label,
)
from commitments.seeding import export_agreement

from .api.serializers import CommitmentSerializer, IncidentSerializer
from .http import conditional

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection):
# "=HYPERLINK(...)" in a speaker's name must stay text. Tab and carriage return count too,
# as some spreadsheets strip them and then read the formula that follows.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def filter_commitments(request: HttpRequest, now: dt.datetime) -> CommitmentFilter:
    """Return the dashboard's FilterSet bound to the request's query string."""
    return CommitmentFilter(request.GET, queryset=Commitment.objects.for_open_data(), request=request, now=now)


def neutralise_formula(value: str) -> str:
    """Return `value` so that a spreadsheet shows it as text, never runs it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _cell(value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):  # a number (a coordinate), never a formula: "-39.6" stays a number
        return str(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise_formula(str(value))


# Stable column names for scripts, not translated; the values are the labels the site shows.
CSV_COLUMNS = [
    "id",
    "agreement",
    "point",
    "code",
    "title",
    "category",
    "responsible_parties",
    "supervising_bodies",
    "deadline_kind",
    "original_deadline",
    "deadline_in_force",
    "deadline_changes",
    "status",
    "status_as_of",
    "support",
    "overdue",
    "days_overdue",
    "due_soon",
    "disputed",
    "contested",
    "fulfilled_on",
    "days_late",
    "met_extended_deadline",
    "term_expiry",
    "notice_deadline",
    "terms",
    "page_url",
    "description",
]


def terms_cell(commitment: Commitment, today: dt.date) -> str:
    """Return a renewable commitment's terms in one cell: "1: 2020-11-10 to 2025-11-10, notice by 2025-05-10 (…)"."""
    cells = []
    for term in commitment.terms(today):
        cell = f"{term.number}: {term.starts_on} to {term.expires_on}, notice by {term.notice_by}"
        if not term.expiry_reached:
            reached = "notice deadline never reached" if not term.notice_reached else "after its notice deadline"
            cell += f" (ended early {term.ended_on}, {reached})"
        cells.append(cell)
    return "; ".join(cells)


def csv_row(commitment: Commitment, now: dt.datetime, request: HttpRequest) -> list:
    today = commitment.agreement.local_today(now)
    changes = "; ".join(
        f"{change.previous_deadline} -> {change.new_deadline} "
        f"({iso_date(change.decided_on, change.decided_on_precision())})"
        for change in published_only(commitment.deadline_changes.all())
    )
    values = [
        commitment.pk,
        str(commitment.agreement),
        commitment.provision.number,
        commitment.code,
        commitment.title,
        commitment.get_category_display(),
        "; ".join(party.name for party in commitment.responsible_parties.all()),
        "; ".join(party.name for party in commitment.supervising_bodies.all()),
        commitment.get_deadline_kind_display(),
        commitment.original_deadline(),
        commitment.deadline_in_force,
        changes,
        commitment.get_current_status_display(),
        iso_date(commitment.status_as_of, commitment.current_as_of_precision or "day"),
        support_label(commitment.current_support, commitment.current_support_count),
        commitment.is_overdue(now),
        commitment.days_overdue(now),
        commitment.is_due_soon(now),
        commitment.is_disputed,
        commitment.is_contested,
        iso_date(commitment.fulfilled_on(), commitment.fulfilled_precision),
        commitment.days_late(),
        commitment.met_extended_deadline(),
        commitment.term_expiry(today),
        commitment.notice_deadline(today),
        terms_cell(commitment, today),
        request.build_absolute_uri(commitment.get_absolute_url()),
        commitment.description,
    ]
    return [_cell(value) for value in values]


def invalid_filters_response(filterset: CommitmentFilter | IncidentFilter) -> JsonResponse:
    return JsonResponse({"errors": filterset.errors}, status=400, json_dumps_params={"ensure_ascii": False})


@conditional(time_dependent=True)
def commitment_list_csv(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filterset = filter_commitments(request, now)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    # UTF-8 with a byte order mark, so spreadsheets read Armenian, Azerbaijani and Russian names right.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="commitments.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for commitment in filterset.qs:
        writer.writerow(csv_row(commitment, now, request))
    return response


@conditional(time_dependent=True)
def commitment_list_json(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filterset = filter_commitments(request, now)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    # The serializer reads the related records of all the rows itself (CommitmentRelations).
    commitments = filterset.qs.prefetch_related(None)
    results = CommitmentSerializer(commitments, many=True, context={"request": request, "now": now}).data
    response = HttpResponse(
        json.dumps({"count": len(results), "results": results}, ensure_ascii=False, indent=1, default=str),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="commitments.json"'
    return response


@conditional(time_dependent=False)
def agreement_seed_json(request: HttpRequest, slug: str) -> HttpResponse:
    """Return the agreement and everything recorded about it in the seed format, as JSON.

    JSON is YAML, so the file loads as it is: `manage.py load_agreement agreement.json`.
    """
    agreement = get_object_or_404(Agreement, slug=slug)
    response = HttpResponse(
        json.dumps(export_agreement(agreement, with_recorders=False), ensure_ascii=False, indent=1),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{agreement.slug}.json"'
    return response


# --- The incident log ---------------------------------------------------------------------


def filter_incidents(request: HttpRequest) -> IncidentFilter:
    """Return the incident pages' FilterSet bound to the request's query string."""
    incidents = Incident.objects.on_record().for_display().order_by("-occurred_on", "-recorded_at", "-id")
    return IncidentFilter(request.GET, queryset=incidents, request=request)


def csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    # UTF-8 with a byte order mark, so spreadsheets read Armenian, Azerbaijani and Russian names right.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    return response, csv.writer(response)


# ACLED's columns, in ACLED's order, that the incident log fills or leaves empty (README, "The incident
# log"). Not translated: researchers merge the file with ACLED's own.
ACLED_COLUMNS = [
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# ACLED separates several actors or sources in one cell with "; ", and so do its tags.
ACLED_SEPARATOR = "; "


def acled_tags(incident: Incident, request: HttpRequest) -> list[str]:
    """Return what the tracker adds in ACLED's tags column: verification, who alleges it against
    whom, its last day, and its page."""
    tags = [f"verification: {Verification(incident.verification_level).value}"]
    if incident.alleged_by:
        tags.append(f"alleged by: {incident.alleged_by.name}")
    if incident.alleged_against:
        tags.append(f"alleged against: {incident.alleged_against.name}")
    if incident.ended_on and incident.ended_on != incident.occurred_on:
        tags.append(f"last day: {incident.ended_on.isoformat()}")
    tags.append(f"tracker: {request.build_absolute_uri(incident.get_absolute_url())}")
    return tags


def acled_row(incident: Incident, request: HttpRequest) -> dict[str, str | int]:
    """Return an incident as a row of ACLED's layout (column name: value)."""
    fatalities = incident.casualties().total(CasualtyReport.Kind.FATALITIES)
    publishers = dict.fromkeys(item.source.publisher for item in incident.evidence.all())
    values = {
        "event_date": incident.occurred_on.isoformat(),
        "year": incident.occurred_on.year,
        "time_precision": incident.time_precision,
        "disorder_type": incident.disorder_type(),
        "event_type": incident.get_event_type_display(),
        "sub_event_type": incident.get_sub_event_type_display(),
        "actor1": incident.actor1.name if incident.actor1 else "",
        "assoc_actor_1": ACLED_SEPARATOR.join(party.name for party in incident.assoc_actors_1.all()),
        "inter1": "",
        "actor2": incident.actor2.name if incident.actor2 else "",
        "assoc_actor_2": ACLED_SEPARATOR.join(party.name for party in incident.assoc_actors_2.all()),
        "inter2": "",
        "country": incident.country,
        "admin1": incident.admin1,
        "admin2": incident.admin2,
        "admin3": incident.admin3,
        "location": incident.location,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "geo_precision": incident.geo_precision,
        "source": ACLED_SEPARATOR.join(publishers),
        "source_scale": "",
        "notes": incident.summary,
        "fatalities": "" if fatalities is None else fatalities,
        "tags": ACLED_SEPARATOR.join(acled_tags(incident, request)),
        "timestamp": int(incident.recorded_at.timestamp()),
    }
    return {name: _cell(value) for name, value in values.items()}


def parse_acled_row(row: dict[str, str]) -> dict:
    """Return the facts of a row written by acled_row, read back: the inverse of the export for the
    columns it fills (labels back to the tracker's values, numbers back to numbers)."""

    def text(name: str) -> str:
        value = row[name]
        return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS) else value

    def names(name: str) -> list[str]:
        return [part for part in text(name).split(ACLED_SEPARATOR) if part]

    tags = dict(tag.split(": ", 1) for tag in names("tags"))
    return {
        "occurred_on": dt.date.fromisoformat(row["event_date"]),
        "year": int(row["year"]),
        "time_precision": TimePrecision(int(row["time_precision"])),
        "disorder_type": row["disorder_type"],
        "event_type": EventType(next(value for value, label in EventType.choices if label == row["event_type"])),
        "sub_event_type": SubEventType(
            next(value for value, label in SubEventType.choices if label == row["sub_event_type"])
        ),
        "actor1": text("actor1"),
        "assoc_actors_1": names("assoc_actor_1"),
        "actor2": text("actor2"),
        "assoc_actors_2": names("assoc_actor_2"),
        "country": text("country"),
        "admin1": text("admin1"),
        "admin2": text("admin2"),
        "admin3": text("admin3"),
        "location": text("location"),
        "latitude": Decimal(row["latitude"]) if row["latitude"] else None,
        "longitude": Decimal(row["longitude"]) if row["longitude"] else None,
        "geo_precision": int(row["geo_precision"]),
        "sources": names("source"),
        "notes": text("notes"),
        "fatalities": int(row["fatalities"]) if row["fatalities"] else None,
        "verification": tags.get("verification"),
        "alleged_by": tags.get("alleged by", ""),
        "alleged_against": tags.get("alleged against", ""),
        "ended_on": dt.date.fromisoformat(tags["last day"]) if "last day" in tags else None,
        "page_url": tags.get("tracker", ""),
        "recorded_at": dt.datetime.fromtimestamp(int(row["timestamp"]), dt.UTC),
    }


@conditional(time_dependent=False)
def incident_list_acled(request: HttpRequest) -> HttpResponse:
    """The incidents matching the filters, in ACLED's column layout, so researchers can merge them with ACLED's data."""
    filterset = filter_incidents(request)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    response, writer = csv_response("incidents-acled.csv")
    writer.writerow(ACLED_COLUMNS)
    for incident in filterset.qs:
        row = acled_row(incident, request)
        writer.writerow([row[name] for name in ACLED_COLUMNS])
    return response


# The tracker's own layout: every field, the figures used and every report.
INCIDENT_CSV_COLUMNS = [
    "id",
    "agreement",
    "date",
    "time_precision",
    "moment",
    "last_day",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actors_1",
    "actor2",
    "assoc_actors_2",
    "alleged_by",
    "alleged_against",
    "location",
    "admin3",
    "admin2",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "fatalities",
    "injuries",
    "casualty_reports",
    "verification",
    "commitments",
    "sources",
    "summary",
    "page_url",
    "recorded_at",
]


def incident_csv_row(incident: Incident, request: HttpRequest) -> list:
    casualties = incident.casualties()
    reports = "; ".join(
        f"{report.get_kind_display()} ({report.get_group_display()}): {report.figure()}, {report.source}"
        for report in casualties.reports
    )
    values = [
        incident.pk,
        str(incident.agreement),
        incident.iso_date(),
        incident.get_time_precision_display(),
        incident.occurred_at,
        incident.ended_on,
        disorder_type(incident.event_type, incident.sub_event_type),
        incident.get_event_type_display(),
        incident.get_sub_event_type_display(),
        incident.actor1.name if incident.actor1 else "",
        "; ".join(party.name for party in incident.assoc_actors_1.all()),
        incident.actor2.name if incident.actor2 else "",
        "; ".join(party.name for party in incident.assoc_actors_2.all()),
        incident.alleged_by.name if incident.alleged_by else "",
        incident.alleged_against.name if incident.alleged_against else "",
        incident.location,
        incident.admin3,
        incident.admin2,
        incident.admin1,
        incident.country,
        incident.latitude,
        incident.longitude,
        incident.get_geo_precision_display(),
        casualties.total(CasualtyReport.Kind.FATALITIES),
        casualties.total(CasualtyReport.Kind.INJURIES),
        reports,
        Verification(incident.verification_level).label,
        "; ".join(commitment.code for commitment in incident.commitments.all()),
        "; ".join(str(item.source) for item in incident.evidence.all()),
        incident.summary,
        request.build_absolute_uri(incident.get_absolute_url()),
        incident.recorded_at,
    ]
    return [_cell(value) for value in values]


@conditional(time_dependent=False)
def incident_list_csv(request: HttpRequest) -> HttpResponse:
    filterset = filter_incidents(request)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    response, writer = csv_response("incidents.csv")
    writer.writerow(INCIDENT_CSV_COLUMNS)
    for incident in filterset.qs:
        writer.writerow(incident_csv_row(incident, request))
    return response


@conditional(time_dependent=False)
def incident_list_json(request: HttpRequest) -> HttpResponse:
    filterset = filter_incidents(request)
    if not filterset.is_valid():
        return invalid_filters_response(filterset)
    results = IncidentSerializer(filterset.qs, many=True, context={"request": request}).data
    response = HttpResponse(
        # DRF's encoder, as the API answers: coordinates are numbers, dates ISO 8601.
        json.dumps({"count": len(results), "results": results}, ensure_ascii=False, indent=1, cls=JSONEncoder),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="incidents.json"'
    return response

"""Downloads: any filtered commitment list as CSV or JSON (the dashboard's filters, the
same query string), and an agreement in the seed format as JSON."""

from __future__ import annotations

import csv
import datetime as dt
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from commitments.filters import CommitmentFilter
from commitments.models import Agreement, Commitment, iso_date, published_only, support_label
from commitments.seeding import export_agreement

from .api.serializers import CommitmentSerializer
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


def invalid_filters_response(filterset: CommitmentFilter) -> JsonResponse:
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
    results = CommitmentSerializer(filterset.qs, many=True, context={"request": request, "now": now}).data
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

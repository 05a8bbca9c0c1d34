"""Template filters for the public pages: formatting only, no domain rules."""

from __future__ import annotations

import functools

from django import template
from django.utils import formats

from commitments.models import (
    CasualtyReport,
    DatePrecision,
    Incident,
    Source,
    Status,
    Verification,
    format_date,
    support_label,
)

register = template.Library()


@register.filter
def source_date(source: Source) -> str:
    """Return the publication date in the reader's locale, only as precise as the source prints it."""
    if source.published_on_precision == Source.DatePrecision.YEAR:
        return formats.date_format(source.published_on, "Y")
    if source.published_on_precision == Source.DatePrecision.MONTH:
        return formats.date_format(source.published_on, "YEAR_MONTH_FORMAT")
    return formats.date_format(source.published_on, "DATE_FORMAT")


@register.filter
def dated(day, precision: str = DatePrecision.DAY) -> str:
    """Return a recorded date only as precisely as it is known: {{ update.as_of|dated:update.as_of_precision }}."""
    return format_date(day, precision or DatePrecision.DAY)


@register.filter
def support_text(commitment) -> str:
    """Return the label of the support of a listed commitment's current assessment (as stored: refresh_support)."""
    return support_label(getattr(commitment, "current_support", None), getattr(commitment, "current_support_count", 0))


@register.filter
def fatalities(incident: Incident) -> int | None:
    """Return the fatalities used for an incident (the lowest reported); None is unknown."""
    return incident.casualties().total(CasualtyReport.Kind.FATALITIES)


@register.filter
def status_label(status: str) -> str:
    """Return the words of an assessment's status (Status), as get_status_display() does. Cheaper
    in a long history: get_FOO_display() translates every choice's label on each call."""
    try:
        return str(Status(status).label)
    except ValueError:
        return status


@register.filter
def choice_label(instance, field_name: str) -> str:
    """Return the words of the choice a field of `instance` holds, as get_FOO_display() does:
    {{ commitment|choice_label:"category" }}. Cheaper in a long list: get_FOO_display() translates
    every choice's label on each call (to hash them)."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    return str(_labels_by_value(field).get(value, value))


@functools.cache
def _labels_by_value(field) -> dict:
    return dict(field.flatchoices)


@register.filter
def verification_label(level: str) -> str:
    """Return the words of a verification level (Verification)."""
    return Verification(level).label if level else ""

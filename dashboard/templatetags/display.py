"""Template filters for the public pages: formatting only, no domain rules."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

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


# A source's original or archived copy, after the link to its page (includes/source_link.html).
EXTERNAL_COPY = (
    ' · <a class="external" href="{}" rel="noopener noreferrer">{}<span class="visually-hidden"> ({})</span></a>'
)


@register.simple_tag
def source_link(source: Source) -> SafeString:
    """Return the link to a source's page (publisher and date), then to its original and archived
    copy when it has them: the markup of includes/source_link.html, which every page uses. Built
    here rather than in template tags: a page can cite dozens (about 1 of a commitment page's
    20 ms at the benchmark's scale went to this markup alone)."""
    url = reverse("dashboard:source_detail", args=[source.pk])
    link = format_html('<a href="{}">{}, {}</a>', url, source.publisher, source_date(source))
    if source.url:
        link += format_html(EXTERNAL_COPY, source.url, gettext("original"), source.title)
    if source.archive_url:
        link += format_html(EXTERNAL_COPY, source.archive_url, gettext("archived copy"), source.title)
    return link


@register.filter
def dated(day, precision: str = DatePrecision.DAY) -> str:
    """Return a recorded date only as precisely as it is known: {{ update.as_of|dated:update.as_of_precision }}."""
    return format_date(day, precision or DatePrecision.DAY)


@register.filter
def support_text(commitment) -> str:
    """Return the label of the support of a listed commitment's current assessment (annotated by with_support)."""
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
def verification_label(level: str) -> str:
    """Return the words of a verification level (Verification)."""
    return Verification(level).label if level else ""

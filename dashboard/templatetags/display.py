"""Template filters for the public pages: formatting only, no domain rules."""

from __future__ import annotations

from django import template
from django.utils import formats

from commitments.models import Source

register = template.Library()


@register.filter
def source_date(source: Source) -> str:
    """Return the publication date in the reader's locale, only as precise as the source prints it."""
    if source.published_on_precision == Source.DatePrecision.YEAR:
        return formats.date_format(source.published_on, "Y")
    if source.published_on_precision == Source.DatePrecision.MONTH:
        return formats.date_format(source.published_on, "YEAR_MONTH_FORMAT")
    return formats.date_format(source.published_on, "DATE_FORMAT")

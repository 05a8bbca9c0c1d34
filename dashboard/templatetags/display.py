"""Template filters for the public pages: formatting only, no domain rules."""

from __future__ import annotations

import functools
import html

from django import template
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from commitments.models import (
    CasualtyReport,
    DatePrecision,
    Incident,
    PublishedVia,
    Source,
    SpeechKind,
    Status,
    Verification,
    format_date,
    support_label,
)

register = template.Library()


@register.filter
def source_date(source: Source) -> str:
    """Return the publication date in the reader's locale, only as precise as the source prints it."""
    return format_date(source.published_on, source.published_on_precision)


def _text(value) -> str:
    """Return `value` escaped for HTML, as {{ value }} prints it (Django's escape(), without its
    lazy-string wrapper: these tags escape a few hundred values a page)."""
    return html.escape(str(value))


@register.simple_tag
def source_link(source: Source) -> SafeString:
    """Return the link to a source's page (publisher and date), then to its original and archived
    copy when it has them: the markup of includes/source_link.html, which every page uses. Built
    here rather than in template tags: a page can cite dozens (about 1 of a commitment page's
    20 ms at the benchmark's scale went to this markup alone)."""
    url = reverse("dashboard:source_detail", args=[source.pk])
    link = f'<a href="{_text(url)}">{_text(source.publisher)}, {_text(source_date(source))}</a>'
    if source.url:
        link += _external_copy(source.url, gettext("original"), source.title)
    if source.archive_url:
        link += _external_copy(source.archive_url, gettext("archived copy"), source.title)
    return mark_safe(link)


def _external_copy(address: str, label: str, title: str) -> str:
    """Return the link to a source's original or archived copy, named for screen readers by its title."""
    return (
        f' · <a class="external" href="{_text(address)}" rel="noopener noreferrer">{_text(label)}'
        f'<span class="visually-hidden"> ({_text(title)})</span></a>'
    )


@register.simple_tag
def evidence_passage(evidence) -> SafeString:
    """Return a quoted passage of evidence (an assessment's or an incident's): whose words they
    are, the quote (or the monitor's summary of a report) and its source: the markup of
    includes/evidence.html. Built here for the same reason as source_link(): a commitment's
    history quotes a passage or more for each of its assessments."""
    speaker, publisher = evidence.speaker, evidence.source.publisher
    attribution = ""
    if evidence.speech_kind == SpeechKind.DIRECT and speaker:
        said = gettext('<span class="speaker">%(name)s</span> said:') % {"name": _text(speaker.name)}
        attribution = _attribution(said, speaker)
    elif evidence.speech_kind == SpeechKind.REPORTED and speaker:
        said = gettext(
            '%(publisher)s reported what <span class="speaker">%(name)s</span> said (in the source\'s words, '
            "not the speaker's):"
        ) % {"publisher": _text(publisher), "name": _text(speaker.name)}
        attribution = _attribution(said, speaker)
    elif evidence.speech_kind == SpeechKind.SOURCE and evidence.is_verbatim:
        said = gettext("%(publisher)s reported:") % {"publisher": _text(publisher)}
        attribution = f'\n    <p class="attribution">{said}</p>\n  '
    if evidence.is_verbatim is False:
        reported = _text(gettext("Reported:"))
        quote = f'<p class="reported"><span class="reported-label">{reported}</span> {_text(evidence.quote)}</p>'
    else:
        quote = f"<blockquote><p>“{_text(evidence.quote)}”</p></blockquote>"
    # The white space of the template this replaced, so that pages stay the same byte for byte.
    return mark_safe(
        f'<div class="evidence">\n  \n  {attribution}\n  \n  \n    {quote}\n  \n'
        f'  <p class="cite">— {source_link(evidence.source)}\n</p>\n</div>\n'
    )


def _attribution(said: str, speaker) -> str:
    """Return the attribution line of a speaker's words: what they said, then their role and party."""
    role = _text(speaker.role)
    detail = f"{role}, {_text(speaker.party)}" if speaker.role else _text(speaker.party)
    return f'\n    <p class="attribution">{said} <span class="detail">{detail}</span></p>\n  '


@register.simple_tag
def review_note(entry) -> str:
    """Return how a published entry was checked, for the public: reviewed by a second monitor
    (and when), or not independently reviewed; nothing for seed entries and older ones. The
    markup of includes/review.html, which every assessment, claim and deadline change shows."""
    if entry.published_via == PublishedVia.REVIEW:
        if entry.reviewed_at:
            # As the template's date filter shows it: in the current time zone.
            when = formats.date_format(template_localtime(entry.reviewed_at), "DATE_FORMAT")
            note = gettext("Reviewed by a second monitor on %(when)s.") % {"when": _text(when)}
        else:
            note = _text(gettext("Reviewed by a second monitor."))
        return mark_safe(f'<p class="review-note" data-testid="review-note">{note}</p>')
    if entry.published_via == PublishedVia.AUTHOR:
        note = _text(gettext("Not independently reviewed: published by the monitor who recorded it."))
        return mark_safe(f'<p class="review-note review-note-unreviewed" data-testid="review-note">{note}</p>')
    return ""


@register.simple_tag
def assessment_entry(
    update, current_update_id: int | None, corrected_ids: set[int], support_heading: str
) -> SafeString:
    """Return an assessment of a commitment's status history, as the history shows each: its date and
    status, its support, whether it corrects or is corrected, its summary, the incidents it rests on,
    its evidence and how it was reviewed (what contests the current one stays in the template). Built
    here for the same reason as source_link(): the history shows every assessment (20 at the
    benchmark's scale, where the template's own loop body took 0.12 ms each)."""
    status = f'<span class="status status-{_text(update.status)}">{_text(status_label(update.status))}</span>\n'
    flag = f'<span class="flag">{_text(gettext("Current assessment"))}</span>' if update.pk == current_update_id else ""
    support = update.support()
    notes = ""
    if update.pk in corrected_ids:
        notes = f'<p class="note">{_text(gettext("A later entry corrects this one; it stays on record."))}</p>'
    correction = ""
    if update.corrects:
        when = dated(update.corrects.as_of, update.corrects.as_of_precision)
        correction = gettext("Corrects the entry of %(when)s.") % {"when": _text(when)}
        if update.correction_reason:
            correction += f" {_text(update.correction_reason)}"
        correction = f'<p class="note">{correction}</p>'
    rests_on = ""
    if update.incidents_on_record:
        links = "; ".join(
            f'<a href="{_text(incident.get_absolute_url())}">{_text(incident.get_sub_event_type_display())}, '
            f"{_text(incident.location)}, {_text(incident.display_date())}</a>"
            for incident in update.incidents_on_record
        )
        heading = _text(gettext("Rests on the incidents:"))
        rests_on = f'<p class="rests-on" data-testid="rests-on">{heading} {links}</p>'
    evidence = "".join(evidence_passage(item) for item in update.evidence.all())
    if not evidence:
        no_evidence = gettext("No evidence is recorded for this entry, so it does not count as an assessment.")
        evidence = f'<p class="note">{_text(no_evidence)}</p>'
    support_line = (
        f'<span class="support support-{_text(support.level)}">{_text(support_heading)} {_text(support.label)}</span>'
    )
    # The white space of the template this replaced, so that pages stay the same byte for byte.
    return mark_safe(
        f"<h3>{_text(dated(update.as_of, update.as_of_precision))}: {status}\n        {flag}</h3>\n"
        f"      {support_line}\n\n      {notes}\n      {correction}\n"
        f"      <p>{_text(update.summary)}</p>\n      {rests_on}\n      {evidence}\n      {review_note(update)}"
    )


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

"""Template filters for the public pages: formatting only, no domain rules."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import dateformat, formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext

from commitments.models import (
    CasualtyReport,
    Commitment,
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


def _status(status: str) -> str:
    """Return a status as includes/status.html writes it (with its closing newline): the tags below
    write it in rows and entries that pages repeat."""
    return f'<span class="status status-{_text(status)}">{_text(status_label(status))}</span>\n'


@register.simple_tag
def assessment_entry(
    update, current_update_id: int | None, corrected_ids: set[int], support_heading: str
) -> SafeString:
    """Return an assessment of a commitment's status history, as the history shows each: its date and
    status, its support, whether it corrects or is corrected, its summary, the incidents it rests on,
    its evidence and how it was reviewed (what contests the current one stays in the template). Built
    here for the same reason as source_link(): the history shows every assessment (20 at the
    benchmark's scale, where the template's own loop body took 0.12 ms each)."""
    status = _status(update.status)
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


@register.simple_tag
def timeline_svg(chart, name: str, label_length: int) -> SafeString:
    """Return one drawing of the deadline timeline (dashboard.charts.Timeline) as SVG: `name` tells
    the wide drawing from the phone one (the stylesheet shows one of them), `label_length` is where
    a row's label is cut. Written here rather than in a template: a drawing is about a hundred
    elements, each with several coordinates, and as template tags they cost more than the rest of
    the home page's timeline together."""
    height = chart.height
    parts = [
        f'\n<svg class="timeline-{_text(name)}" viewBox="0 0 {chart.layout.width} {height}" role="img"'
        ' aria-labelledby="timeline-caption">\n  '
    ]
    last = len(chart.ticks) - 1
    for index, (day, x) in enumerate(chart.ticks):
        place = " tick-label-start" if index == 0 else " tick-label-end" if index == last else ""
        parts.append(
            f'<line class="tick" x1="{x}" x2="{x}" y1="18" y2="{height}"></line>'
            f'<text class="tick-label{place}" x="{x}" y="12">{_text(dateformat.format(day, "M Y"))}</text>'
        )
    parts.append("\n  ")
    if chart.today_x:
        parts.append(f'<line class="today" x1="{chart.today_x}" x2="{chart.today_x}" y1="18" y2="{height}"></line>')
    parts.append("\n  ")
    label_x = chart.layout.plot_left if name == "phone" else 0
    for row in chart.rows:
        y = row.y
        if row.is_overdue:
            kind = " row-overdue"
        elif row.is_late:
            kind = " row-late"
        else:
            kind = " row-on-time" if row.met_on else ""
        label = _text(Truncator(row.commitment.title).chars(label_length))
        gap = (
            f'<line class="gap" x1="{row.deadline_x}" x2="{row.line_end_x}" y1="{y}" y2="{y}"></line>'
            if row.line_end_x != row.deadline_x
            else ""
        )
        original = (
            f'<rect class="original" x="{row.original_x}" y="{y - 5}" width="3" height="10"></rect>'
            if row.original_x
            else ""
        )
        met = f'<circle class="met" cx="{row.met_x}" cy="{y}" r="5"></circle>' if row.met_x else ""
        parts.append(
            f'\n  <g class="row{kind}">\n'
            f'    <text class="row-label" x="{label_x}" y="{row.label_y}">{label}</text>\n'
            f"    {gap}\n    {original}\n"
            f'    <rect class="deadline" x="{row.deadline_x}" y="{y - 7}" width="3" height="14"></rect>\n'
            f"    {met}\n  </g>\n  "
        )
    parts.append("\n</svg>\n")
    return mark_safe("".join(parts))  # noqa: S308 (numbers, and text escaped above)


def commitment_row(commitment, is_overdue: bool) -> SafeString:
    """Return a commitment's row of the commitment list (a <tr>: title and category, point and
    agreement, responsible parties, deadline in force, status with its flags and support), as a
    template would write it. Written here: a page has 25 rows and the list renders them all on
    every miss, and as a template (with its includes and translations) a row cost ~200 µs."""
    words = _row_words(get_language())
    point = words.point % {
        "number": _text(commitment.provision.number),
        "agreement": _text(commitment.provision.agreement),
    }
    parties = ", ".join(_text(party) for party in commitment.responsible_parties.all())
    if commitment.deadline_in_force:
        deadline = _text(format_date(commitment.deadline_in_force))
    else:
        deadline = words.deadline_kinds.get(commitment.deadline_kind) or _text(commitment.deadline_kind)
    status = commitment.current_status
    flags = ""
    if is_overdue:
        flags += words.overdue
    if commitment.is_disputed:
        flags += words.disputed
    if commitment.is_contested:
        flags += words.contested
    support = ""
    if commitment.current_support:
        support = (
            f' <span class="detail support support-{_text(commitment.current_support)}">'
            f"{_text(support_text(commitment))}</span>"
        )
    category = words.categories.get(commitment.category) or _text(commitment.category)
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'<tr>\n  <th scope="row"><a href="{_text(commitment.get_absolute_url())}">{_text(commitment.title)}</a>\n'
        f'    <span class="detail">{category}</span></th>\n'
        f'  <td data-label="{words.point_heading}">{point}</td>\n'
        f'  <td data-label="{words.responsible_heading}">{parties}</td>\n'
        f'  <td data-label="{words.deadline_heading}">{deadline}</td>\n'
        f'  <td data-label="{words.status_heading}" data-testid="row-status">'
        f"{words.statuses.get(status) or _status(status)}{flags}\n{support}</td>\n</tr>\n"
    )


@dataclass(frozen=True)
class _RowWords:
    point: str  # a format: its values are escaped, the translation is taken as it is
    point_heading: str
    responsible_heading: str
    deadline_heading: str
    status_heading: str
    overdue: str
    disputed: str
    contested: str
    categories: dict[str, str]
    deadline_kinds: dict[str, str]
    statuses: dict[str, str]


@functools.lru_cache(maxsize=16)
def _row_words(language: str | None) -> _RowWords:
    """The fixed words of a commitment row in `language` (the active one), escaped: translated once
    per language in each process rather than for each row (a page of 25 rows asked gettext 300
    times). Kept until the process ends, as format_date's dates are: a catalog recompiled while
    the process runs (runserver reloads it) shows in the rows after a restart."""

    def labels(field_name: str) -> dict[str, str]:
        return {value: _text(label) for value, label in Commitment._meta.get_field(field_name).flatchoices}

    return _RowWords(
        point=gettext("Point %(number)s, %(agreement)s"),
        point_heading=_text(gettext("Point")),
        responsible_heading=_text(gettext("Responsible")),
        deadline_heading=_text(gettext("Deadline in force")),
        status_heading=_text(gettext("Status")),
        overdue=f' <span class="flag flag-overdue">{_text(gettext("Overdue"))}</span>',
        disputed=f' <span class="flag flag-disputed">{_text(gettext("Disputed"))}</span>',
        contested=f' <span class="flag flag-contested">{_text(gettext("Contested"))}</span>',
        categories=labels("category"),
        deadline_kinds=labels("deadline_kind"),
        statuses={status: _status(status) for status in Status.values},
    )


@register.filter
def count(number: int) -> str:
    """Return a count as {{ n|floatformat:"g" }} writes it (grouped thousands in the reader's
    locale), with the counts under a thousand written at once: a home page writes about two
    hundred counts, and floatformat parses each as a Decimal first. Anything but a whole number
    (None, a float) is left to floatformat."""
    if not isinstance(number, int) or isinstance(number, bool):
        return floatformat(number, "g")
    if -1000 < number < 1000:
        return str(number)
    return formats.number_format(str(number), 0, force_grouping=True)


@register.simple_tag
def agreement_panel(agreement, list_url: str, as_of) -> SafeString:
    """Return an agreement's panel on the home page: its title and date, how many commitments it
    has, the bar of their statuses, and its figures by status group, overdue, disputed and
    contested (links to the list, except on a page as of a past day). `agreement` carries them
    (dashboard.views.add_figures, or the past home page's counts). Written here: a home page draws
    a dozen and as a template each cost about 0.4 ms."""
    pk = agreement.pk
    meta = ngettext(
        "Signed %(signed)s · %(counter)s commitment tracked",
        "Signed %(signed)s · %(counter)s commitments tracked",
        agreement.total,
    ) % {"signed": _text(format_date(agreement.signed_on)), "counter": agreement.total}
    parts = [
        f'\n<section class="agreement-summary" aria-labelledby="agreement-{pk}">\n'
        f'  <h2 id="agreement-{pk}"><a href="{_text(agreement.get_absolute_url())}">{_text(agreement)}</a></h2>\n'
        f'  <p class="meta">{meta}</p>\n  '
    ]
    if agreement.bar:
        shares = ", ".join(f"{_text(segment.label)} {segment.count}" for segment in agreement.bar)
        rects = "".join(
            f'<rect class="seg seg-{_text(segment.key)}" x="{segment.x}" y="0" width="{segment.width}"'
            ' height="6"></rect>'
            for segment in agreement.bar
        )
        parts.append(
            '\n  <svg class="status-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img"'
            f' aria-labelledby="bar-title-{pk}">\n'
            f'    <title id="bar-title-{pk}">{_text(gettext("Share of commitments by status"))}: {shares}</title>\n'
            f"    {rects}\n  </svg>\n  "
        )
    parts.append('\n  <dl class="figures">\n    ')
    for key, label, number in agreement.status_counts:
        parts.append(
            f'\n    <div class="figure figure-{_text(key)}"><dt><span class="swatch swatch-{_text(key)}"'
            f' aria-hidden="true"></span>{_text(label)}</dt><dd>{count(number)}</dd></div>\n    '
        )
    overdue = _text(gettext("Overdue"))
    if as_of:
        parts.append(
            f'\n    <div class="figure figure-overdue"><dt>{overdue}</dt>'
            f"<dd>{count(agreement.overdue_count)}</dd></div>\n    "
        )
    else:
        address = f"{_text(list_url)}?agreement={_text(quote(agreement.slug))}&amp;"
        parts.append(
            f'\n    <div class="figure figure-overdue"><dt><a href="{address}overdue=yes">{overdue}</a></dt>'
            f"<dd>{count(agreement.overdue_count)}</dd></div>\n"
            f'    <div class="figure figure-disputed"><dt><a href="{address}disputed=yes">'
            f"{_text(gettext('Disputed'))}</a></dt><dd>{count(agreement.disputed_count)}</dd></div>\n"
            f'    <div class="figure figure-contested"><dt><a href="{address}contested=yes">'
            f"{_text(gettext('Contested'))}</a></dt><dd>{count(agreement.contested_count)}</dd></div>"
        )
    parts.append("\n  </dl>\n</section>\n")
    return mark_safe("".join(parts))  # noqa: S308 (numbers, and text escaped above)


@register.simple_tag
def timeline_table_row(row) -> SafeString:
    """Return a row of the table under the deadline timeline (a dashboard.charts.TimelineRow): the
    commitment, its original deadline if it changed, the deadline in force, the day it was met and
    the outcome. Written here for the same reason as timeline_svg (the home page shows thirty)."""
    if row.is_overdue:
        outcome = f'<span class="flag flag-overdue">{_text(gettext("Overdue"))}</span>'
    elif row.is_late:
        outcome = f'<span class="flag flag-late">{_text(gettext("Met late"))}</span>'
    elif row.met_extended:
        words = ngettext(
            "Met the extended deadline (%(days)s day after the original)",
            "Met the extended deadline (%(days)s days after the original)",
            row.days_extended,
        ) % {"days": row.days_extended}
        outcome = f'<span class="flag flag-on-time">{words}</span>'
    elif row.met_on:
        outcome = f'<span class="flag flag-on-time">{_text(gettext("Met on time"))}</span>'
    else:
        status = row.commitment.current_status
        outcome = _status(status)
    original = _text(format_date(row.original)) if row.original else _text(gettext("same"))
    met_on = _text(dated(row.met_on, row.met_precision)) if row.met_on else "—"
    commitment = row.commitment
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n      <tr>\n        <th scope="row"><a href="{_text(commitment.get_absolute_url())}">'
        f"{_text(commitment.title)}</a></th>\n"
        f'        <td data-label="{_text(gettext("Original deadline"))}">{original}</td>\n'
        f'        <td data-label="{_text(gettext("Deadline in force"))}">'
        f"{_text(format_date(row.deadline))}</td>\n"
        f'        <td data-label="{_text(gettext("Met on"))}">{met_on}</td>\n'
        f'        <td data-label="{_text(gettext("Outcome"))}" data-testid="row-status">{outcome}</td>\n'
        "      </tr>\n    "
    )


@register.simple_tag
def overdue_item(commitment, days: int) -> SafeString:
    """Return an item of the home page's list of overdue commitments: the commitment, its deadline,
    how many days overdue and the parties responsible. Written here, as agreement_panel."""
    words = ngettext("due %(deadline)s, %(days)s day overdue", "due %(deadline)s, %(days)s days overdue", days) % {
        "deadline": _text(format_date(commitment.deadline_in_force)),
        "days": days,
    }
    parties = ", ".join(_text(party) for party in commitment.responsible_parties.all())
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n    <li><a href="{_text(commitment.get_absolute_url())}">{_text(commitment.title)}</a>\n'
        f'      <span class="detail">{words} · {parties}</span></li>\n    '
    )


@register.simple_tag
def latest_assessment(update) -> SafeString:
    """Return an item of the home page's latest assessments: the commitment, the status, its date
    and the sources of its evidence (with the status_update's evidence and sources prefetched)."""
    commitment = update.commitment
    when = gettext("as of %(when)s") % {"when": _text(dated(update.as_of, update.as_of_precision))}
    sources = "; ".join(f"{source_link(evidence.source)}\n" for evidence in update.evidence.all())
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n    <li>\n      <a href="{_text(commitment.get_absolute_url())}">{_text(commitment.title)}</a>:\n'
        f"      {_status(update.status)}\n"
        f'      <span class="detail">{when}</span>\n'
        f'      <span class="detail">{sources}</span>\n    </li>\n    '
    )


@register.simple_tag
def latest_claim(claim) -> SafeString:
    """Return an item of the home page's latest claims: who said it for which party and when, on
    which commitment, the position taken and the source."""
    commitment = claim.commitment
    position = _text(choice_label(claim, "position"))
    return mark_safe(  # noqa: S308 (every value escaped above)
        f'\n    <li>\n      <span class="speaker">{_text(claim.speaker)}</span> ({_text(claim.party)}), '
        f"{_text(dated(claim.stated_on, claim.stated_on_precision))}, {_text(gettext('on'))}\n"
        f'      <a href="{_text(commitment.get_absolute_url())}">{_text(commitment.title)}</a>:\n'
        f'      <span class="position position-{_text(claim.position)}">{position}</span>\n'
        f'      <span class="detail">{source_link(claim.source)}\n</span>\n    </li>\n    '
    )

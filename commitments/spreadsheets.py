"""Bulk entry from a spreadsheet (django-import-export): monitors upload a CSV or XLSX file of
assessments, claims or incidents, see a dry run with each refused row's number and reasons, and confirm.

Every row becomes a draft for review (like an entry of the record pages), by the same model rules
(StatusUpdate.record(), Claim.problems(), Incident.record(), the dates of sources). The import is all or nothing: a
file with any refused row imports nothing (the preview offers no confirmation, and the confirmed
import rolls back on any error). A row may only name an agreement (and commitments) of the
monitor's agreements.

One row is one entry with one quoted source: the source is named by its web address (a recorded
one is used as it is) or described in the row (publisher, title, date: found if recorded, else added).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from import_export import fields, resources

from .acled import EventType, GeoPrecision, SubEventType, TimePrecision
from .models import (
    Agreement,
    Claim,
    Commitment,
    DatePrecision,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Source,
    Speaker,
    SpeechKind,
    Status,
    StatusUpdate,
)

SOURCE_COLUMNS = [
    "source_url",
    "source_publisher",
    "source_title",
    "source_published_on",
    "source_precision",
    "source_language",
    "source_kind",
]
ASSESSMENT_COLUMNS = [
    "agreement",
    "commitment",
    "status",
    "as_of",
    "as_of_precision",
    "summary",
    "quote",
    "verbatim",
    "whose_words",
    "speaker",
    *SOURCE_COLUMNS,
]
CLAIM_COLUMNS = [
    "agreement",
    "commitment",
    "party",
    "speaker",
    "speaker_role",
    "whose_words",
    "stated_on",
    "position",
    "summary",
    "quote",
    *SOURCE_COLUMNS,
]
INCIDENT_COLUMNS = [
    "agreement",
    "date",
    "time_precision",
    "location",
    "admin3",
    "admin2",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "event_type",
    "sub_event_type",
    "alleged_by",
    "alleged_against",
    "commitments",
    "summary",
    "quote",
    "verbatim",
    "whose_words",
    "speaker",
    *SOURCE_COLUMNS,
]
# What each column holds, for the downloadable template's second row.
COLUMN_HELP = {
    "agreement": "the agreement's slug (as in its address), e.g. karabakh-2020",
    "commitment": "the commitment's code (or its exact title), e.g. kalbajar-handover",
    "status": "one of: " + ", ".join(Status.values[1:]),
    "as_of": "YYYY-MM-DD; empty: the source's date",
    "as_of_precision": "day, month or year; empty: as precise as the source",
    "summary": "the entry in your words",
    "quote": "the passage quoted from the source",
    "verbatim": "yes (word for word) or no (a summary of a report)",
    "whose_words": "source, direct or reported (claims: direct or reported)",
    "speaker": "the speaker's name, when the words are a speaker's",
    "speaker_role": "the speaker's office, when two speakers share a name",
    "party": "the party's slug, name or short name, e.g. azerbaijan",
    "stated_on": "YYYY-MM-DD; empty: the source's date",
    "position": "one of: " + ", ".join(Claim.Position.values),
    "date": "YYYY-MM-DD: the day; for a week its Monday, for a month its first day",
    "time_precision": "ACLED's code: 1 the actual date (default), 2 a specific week, 3 a month",
    "location": "the place name, as precise as known",
    "admin3": "third-level administrative area",
    "admin2": "second-level administrative area",
    "admin1": "first-level administrative area",
    "country": "the country, e.g. Azerbaijan",
    "latitude": "WGS84 decimal degrees, with longitude, or empty",
    "longitude": "WGS84 decimal degrees, with latitude, or empty",
    "geo_precision": "ACLED's code: 1 the exact place, 2 a nearby place or part of a region, 3 a larger region",
    "event_type": "one of: " + ", ".join(EventType.values),
    "sub_event_type": "one of ACLED's sub-event types of the event type, e.g. armed_clash",
    "alleged_by": "the party that alleges it (slug, name or short name); empty: no party",
    "alleged_against": "the party it is alleged against (slug, name or short name)",
    "commitments": "the codes (or exact titles) of the commitments it bears on, separated by ;",
    "source_url": "the source's web address (a recorded source is used as it is)",
    "source_publisher": "for a source not recorded yet",
    "source_title": "for a source not recorded yet",
    "source_published_on": "YYYY-MM-DD (a month-only source: its first day, precision month)",
    "source_precision": "day, month or year (default day)",
    "source_language": "language code, e.g. en, ru, hy, az",
    "source_kind": "one of: " + ", ".join(Source.Kind.values),
}


def text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def commitment_named(agreement: Agreement, key: str, errors: dict, column: str) -> Commitment | None:
    """Return the agreement's commitment whose code or exact title (any case) is `key`; else record
    the error under `column` and return None."""
    commitment = (
        Commitment.objects.filter(provision__agreement=agreement)
        .filter(Q(code=key) | Q(title__iexact=key))
        .select_related("provision__agreement")
        .first()
    )
    if commitment is None:
        errors[column] = _("%(agreement)s has no commitment %(key)r (its code or exact title).") % {
            "agreement": agreement,
            "key": key,
        }
    return commitment


def date_of(row: dict, name: str, errors: dict) -> dt.date | None:
    value = text(row, name)
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        errors[name] = _("%(value)r is not a date (YYYY-MM-DD).") % {"value": value}
        return None


def choice(row: dict, name: str, choices: list[str], errors: dict, default: str = "") -> str:
    value = text(row, name).lower() or default
    if value and value not in choices:
        errors[name] = _("%(value)r is not one of: %(choices)s.") % {"value": value, "choices": ", ".join(choices)}
    return value


class StylelessDiff(resources.Diff):
    """The preview's per-row diff, with classes instead of the inline styles of diff_match_patch
    (the admin runs under a Content-Security-Policy without 'unsafe-inline'; desk.css colours them)."""

    INLINE_STYLES = {
        ' style="background:#e6ffe6;"': ' class="diff-insert"',
        ' style="background:#ffe6e6;"': ' class="diff-delete"',
    }

    def as_html(self):
        cells = []
        for html in super().as_html():
            for style, css_class in self.INLINE_STYLES.items():
                html = html.replace(style, css_class)
            cells.append(mark_safe(html))  # diff_prettyHtml escapes the values; only the markup is changed
        return cells


class EntryResource(resources.ModelResource):
    """A row of a spreadsheet → one draft entry of the user's agreements, with its source."""

    columns: list[str] = []

    def get_diff_class(self):
        return StylelessDiff

    class Meta:
        force_init_instance = True  # every row is a new entry: history is never rewritten
        use_transactions = True
        skip_unchanged = False
        clean_model_instances = False  # the rows are checked by the models' own rules, below

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user") or self.user
        missing = [column for column in self.required_columns if column not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("The file lacks the columns %(columns)s: start from the template.") % {"columns": ", ".join(missing)}
            )

    # --- what a row names ---------------------------------------------------------------

    def agreement(self, row: dict, errors: dict) -> Agreement | None:
        """The row's agreement, if it is one of the monitor's."""
        slug = text(row, "agreement")
        agreement = Agreement.objects.filter(slug=slug).first() if slug else None
        if agreement is None:
            errors["agreement"] = _("No agreement has the slug %(slug)r.") % {"slug": slug}
            return None
        if not Agreement.objects.visible_to(self.user).filter(pk=agreement.pk).exists():
            errors["agreement"] = _("%(agreement)s is outside the agreements assigned to you.") % {
                "agreement": agreement
            }
            return None
        return agreement

    def commitment(self, row: dict, errors: dict) -> Commitment | None:
        key = text(row, "commitment")
        agreement = self.agreement(row, errors)
        if agreement is None:
            return None
        return commitment_named(agreement, key, errors, "commitment")

    def source(self, row: dict, errors: dict) -> Source | None:
        url = text(row, "source_url")
        if url:
            recorded = Source.objects.filter(url=url).first()
            if recorded:
                return recorded
        publisher, title = text(row, "source_publisher"), text(row, "source_title")
        published_on = date_of(row, "source_published_on", errors)
        if not (url or publisher or title):
            errors["source_url"] = _("Name the source: its web address, or its publisher, title and date.")
            return None
        if not url and publisher and title and published_on:
            recorded = Source.objects.filter(publisher=publisher, title=title, published_on=published_on).first()
            if recorded:
                return recorded
        suggested = Source.objects.from_site(url).order_by("-published_on", "-id").first() if url else None
        source = Source(
            url=url,
            publisher=publisher or (suggested.publisher if suggested else ""),
            title=title,
            published_on=published_on,
            published_on_precision=choice(row, "source_precision", DatePrecision.values, errors, DatePrecision.DAY),
            language=text(row, "source_language") or (suggested.language if suggested else ""),
            kind=choice(row, "source_kind", Source.Kind.values, errors, Source.Kind.NEWS_REPORT),
            affiliated_party=suggested.affiliated_party if suggested and not publisher else None,
        )
        try:
            source.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors[f"source_{name}".replace("source_published_on_precision", "source_precision")] = " ".join(
                    messages
                )
            return None
        return source

    def party(self, row: dict, errors: dict, column: str = "party") -> Party | None:
        key = text(row, column)
        if not key:
            return None
        party = Party.objects.filter(Q(slug=key) | Q(name__iexact=key) | Q(short_name__iexact=key)).first()
        if party is None:
            errors[column] = _("No party %(key)r (its slug, name or short name).") % {"key": key}
        return party

    def speaker(self, row: dict, errors: dict, party: Party | None = None, column: str = "speaker") -> Speaker | None:
        name = text(row, column)
        if not name:
            return None
        speakers = Speaker.objects.filter(name__iexact=name).select_related("party")
        if role := text(row, "speaker_role"):
            speakers = speakers.filter(role__iexact=role)
        if party is not None:
            speakers = speakers.filter(party=party)
        found = list(speakers[:2])
        if not found:
            errors[column] = _("No speaker %(name)r is recorded%(of)s: add them in the admin first.") % {
                "name": name,
                "of": _(" for %(party)s") % {"party": party} if party else "",
            }
            return None
        if len(found) > 1:
            errors[column] = _("Several speakers are called %(name)r: add their office (speaker_role).") % {
                "name": name
            }
            return None
        return found[0]

    # --- django-import-export's steps -------------------------------------------------------

    def import_instance(self, instance, row, **kwargs):
        errors: dict[str, Any] = {}
        self.fill(instance, row, errors)
        if errors:
            raise ValidationError(errors)
        instance.recorded_by = self.user

    def do_instance_save(self, instance, is_create):
        source = getattr(instance, "_new_source", None)
        if source is not None and source.pk is None:
            source.save()
        self.save_entry(instance)

    def template(self, file_format: str) -> bytes:
        """Return an empty spreadsheet with this resource's columns (COLUMN_HELP says what each holds)."""
        content = tablib.Dataset(headers=self.columns).export(file_format)
        return content.encode("utf-8-sig") if isinstance(content, str) else content

    def column_help(self) -> list[tuple[str, str, bool]]:
        return [(column, COLUMN_HELP.get(column, ""), column in self.required_columns) for column in self.columns]


def check_entry(instance, errors: dict, run) -> None:
    """Run a model rule that raises ValidationError, adding its messages to the row's errors."""
    try:
        run()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                errors[name if name != "__all__" else "row"] = " ".join(messages)
        else:
            errors["row"] = " ".join(error.messages)


class AssessmentResource(EntryResource):
    """Assessments: one status update of a commitment per row, with one quoted source."""

    columns = ASSESSMENT_COLUMNS
    required_columns = ["agreement", "commitment", "status", "summary", "quote"]

    commitment_label = fields.Field(column_name="commitment", attribute=None, readonly=True)
    status_label = fields.Field(column_name="status", attribute="status", readonly=True)
    as_of_label = fields.Field(column_name="as_of", attribute="as_of", readonly=True)
    summary_label = fields.Field(column_name="summary", attribute="summary", readonly=True)
    quote_label = fields.Field(column_name="quote", attribute=None, readonly=True)
    source_label = fields.Field(column_name="source", attribute=None, readonly=True)

    class Meta(EntryResource.Meta):
        model = StatusUpdate
        name = "Assessments (status updates with a quoted source)"
        fields = ("commitment_label", "status_label", "as_of_label", "summary_label", "quote_label", "source_label")

    def dehydrate_commitment_label(self, update: StatusUpdate) -> str:
        return update.commitment.chooser_label() if update.commitment_id else ""

    def dehydrate_quote_label(self, update: StatusUpdate) -> str:
        evidence = getattr(update, "_row_evidence", None)
        return evidence.quote if evidence else ""

    def dehydrate_source_label(self, update: StatusUpdate) -> str:
        evidence = getattr(update, "_row_evidence", None)
        return str(evidence.source) if evidence else ""

    def fill(self, update: StatusUpdate, row: dict, errors: dict) -> None:
        update.commitment = self.commitment(row, errors)
        update.status = choice(row, "status", Status.values[1:], errors)
        if not update.status:
            errors["status"] = _("Give the status.")
        update.summary = text(row, "summary")
        if not update.summary:
            errors["summary"] = _("Give the assessment in your words.")
        precision = choice(row, "as_of_precision", DatePrecision.values, errors)
        source = self.source(row, errors)
        as_of = date_of(row, "as_of", errors)
        if source is not None and as_of is None and "as_of" not in errors:
            as_of, precision = source.published_on, precision or source.published_on_precision
        update.as_of, update.as_of_precision = as_of, precision or None
        speech = choice(row, "whose_words", SpeechKind.values, errors, SpeechKind.SOURCE)
        evidence = Evidence(
            quote=text(row, "quote"),
            is_verbatim=text(row, "verbatim").lower() not in ("no", "false", "0"),
            speech_kind=speech,
            speaker=self.speaker(row, errors),
        )
        if not evidence.quote:
            errors["quote"] = _("Quote the passage of the source that supports the assessment.")
        if errors:
            return
        evidence.source = source
        update._new_source = source
        update._row_evidence = evidence
        check_entry(update, errors, evidence.clean)
        check_entry(update, errors, update.clean)  # dated neither in the future nor before the signing
        if not errors and update.as_of_precision and update.predates_signing():
            errors["as_of"] = _("An assessment cannot predate the agreement's signing.")

    def save_entry(self, update: StatusUpdate) -> None:
        evidence = update._row_evidence
        evidence.source = update._new_source  # saved now, when it was new
        update.record([evidence])  # a draft: the model's default


class ClaimResource(EntryResource):
    """Claims: what a party's speaker said about a commitment, one per row, with its source."""

    columns = CLAIM_COLUMNS
    required_columns = ["agreement", "commitment", "speaker", "position", "summary", "quote"]

    commitment_label = fields.Field(column_name="commitment", attribute=None, readonly=True)
    party_label = fields.Field(column_name="party", attribute="party", readonly=True)
    speaker_label = fields.Field(column_name="speaker", attribute="speaker", readonly=True)
    position_label = fields.Field(column_name="position", attribute="position", readonly=True)
    stated_on_label = fields.Field(column_name="stated_on", attribute="stated_on", readonly=True)
    quote_label = fields.Field(column_name="quote", attribute="quote", readonly=True)
    source_label = fields.Field(column_name="source", attribute=None, readonly=True)

    class Meta(EntryResource.Meta):
        model = Claim
        name = "Claims (a party's speaker, quoted from a source)"
        fields = (
            "commitment_label",
            "party_label",
            "speaker_label",
            "position_label",
            "stated_on_label",
            "quote_label",
            "source_label",
        )

    def dehydrate_commitment_label(self, claim: Claim) -> str:
        return claim.commitment.chooser_label() if claim.commitment_id else ""

    def dehydrate_source_label(self, claim: Claim) -> str:
        source = getattr(claim, "_new_source", None)
        return str(source) if source else ""

    def fill(self, claim: Claim, row: dict, errors: dict) -> None:
        claim.commitment = self.commitment(row, errors)
        party = self.party(row, errors)
        claim.speaker = self.speaker(row, errors, party)
        if claim.speaker is None and "speaker" not in errors:
            errors["speaker"] = _("Name who said it.")
        claim.party = party or (claim.speaker.party if claim.speaker else None)
        claim.speech_kind = choice(row, "whose_words", [SpeechKind.DIRECT, SpeechKind.REPORTED], errors, "direct")
        claim.position = choice(row, "position", Claim.Position.values, errors)
        if not claim.position:
            errors["position"] = _("Give the position the claim takes.")
        claim.summary, claim.quote = text(row, "summary"), text(row, "quote")
        if not claim.summary:
            errors["summary"] = _("Give the claim in your words.")
        if not claim.quote:
            errors["quote"] = _("Quote what was said, as the source gives it.")
        source = self.source(row, errors)
        stated_on = date_of(row, "stated_on", errors)
        if errors:
            return
        claim.source = source
        claim.stated_on = stated_on or source.published_on
        claim.stated_on_precision = source.published_on_precision
        claim._new_source = source
        check_entry(claim, errors, claim.clean)  # source, quote, speaker of the party, dates

    def save_entry(self, claim: Claim) -> None:
        claim.source = claim._new_source
        claim.save()  # a draft: the model's default


def code(row: dict, name: str, choices: type, errors: dict, default: int | None = None) -> int | None:
    """An ACLED precision code (1, 2 or 3) of the row."""
    value = text(row, name)
    if not value:
        return default
    if value not in [str(number) for number in choices.values]:
        errors[name] = _("%(value)r is not one of: %(choices)s.") % {
            "value": value,
            "choices": "; ".join(f"{number} {label}" for number, label in choices.choices),
        }
        return None
    return int(value)


def named_choice(row: dict, name: str, choices: type, errors: dict) -> str:
    """A choice of the row given by its value (armed_clash) or its label (Armed clash)."""
    value = text(row, name)
    for key, label in choices.choices:
        if value.lower() in (key, str(label).lower()):
            return key
    if value:
        errors[name] = _("%(value)r is not one of: %(choices)s.") % {
            "value": value,
            "choices": ", ".join(choices.values),
        }
    else:
        errors[name] = _("Give the %(column)s.") % {"column": name.replace("_", " ")}
    return ""


class IncidentResource(EntryResource):
    """Incidents: one per row, with one quoted source, coded as ACLED codes an event."""

    columns = INCIDENT_COLUMNS
    required_columns = [
        "agreement",
        "date",
        "location",
        "country",
        "geo_precision",
        "event_type",
        "sub_event_type",
        "summary",
        "quote",
    ]

    date_label = fields.Field(column_name="date", attribute="occurred_on", readonly=True)
    place_label = fields.Field(column_name="place", attribute=None, readonly=True)
    kind_label = fields.Field(column_name="kind", attribute=None, readonly=True)
    summary_label = fields.Field(column_name="summary", attribute="summary", readonly=True)
    quote_label = fields.Field(column_name="quote", attribute=None, readonly=True)
    source_label = fields.Field(column_name="source", attribute=None, readonly=True)

    class Meta(EntryResource.Meta):
        model = Incident
        name = "Incidents (ACLED-coded, with a quoted source)"
        fields = ("date_label", "place_label", "kind_label", "summary_label", "quote_label", "source_label")

    def dehydrate_place_label(self, incident: Incident) -> str:
        return incident.place() if incident.location else ""

    def dehydrate_kind_label(self, incident: Incident) -> str:
        return incident.get_sub_event_type_display() if incident.sub_event_type else ""

    def dehydrate_quote_label(self, incident: Incident) -> str:
        evidence = getattr(incident, "_row_evidence", None)
        return evidence.quote if evidence else ""

    def dehydrate_source_label(self, incident: Incident) -> str:
        evidence = getattr(incident, "_row_evidence", None)
        return str(evidence.source) if evidence else ""

    def commitments(self, row: dict, agreement: Agreement, errors: dict) -> list[Commitment]:
        found = []
        for key in filter(None, (part.strip() for part in text(row, "commitments").split(";"))):
            commitment = commitment_named(agreement, key, errors, "commitments")
            if commitment is not None:
                found.append(commitment)
        return found

    def coordinate(self, row: dict, name: str, errors: dict) -> Decimal | None:
        value = text(row, name)
        if not value:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            errors[name] = _("%(value)r is not a number of decimal degrees.") % {"value": value}
            return None

    def fill(self, incident: Incident, row: dict, errors: dict) -> None:
        incident.agreement = agreement = self.agreement(row, errors)
        incident.occurred_on = date_of(row, "date", errors)
        if incident.occurred_on is None and "date" not in errors:
            errors["date"] = _("Give the date (YYYY-MM-DD).")
        incident.time_precision = code(row, "time_precision", TimePrecision, errors, TimePrecision.DAY)
        incident.geo_precision = code(row, "geo_precision", GeoPrecision, errors)
        if incident.geo_precision is None and "geo_precision" not in errors:
            errors["geo_precision"] = _("Give ACLED's geo-precision code: 1, 2 or 3.")
        for name in ("location", "admin3", "admin2", "admin1", "country"):
            setattr(incident, name, text(row, name))
        for name in ("location", "country"):
            if not getattr(incident, name):
                errors[name] = _("Give the %(column)s.") % {"column": name}
        incident.latitude = self.coordinate(row, "latitude", errors)
        incident.longitude = self.coordinate(row, "longitude", errors)
        incident.event_type = named_choice(row, "event_type", EventType, errors)
        incident.sub_event_type = named_choice(row, "sub_event_type", SubEventType, errors)
        incident.alleged_by = self.party(row, errors, "alleged_by")
        incident.alleged_against = self.party(row, errors, "alleged_against")
        incident.summary = text(row, "summary")
        if not incident.summary:
            errors["summary"] = _("Say what happened, in your words.")
        commitments = self.commitments(row, agreement, errors) if agreement else []
        source = self.source(row, errors)
        evidence = IncidentEvidence(
            quote=text(row, "quote"),
            is_verbatim=text(row, "verbatim").lower() not in ("no", "false", "0"),
            speech_kind=choice(row, "whose_words", SpeechKind.values, errors, SpeechKind.SOURCE),
            speaker=self.speaker(row, errors),
        )
        if not evidence.quote:
            errors["quote"] = _("Quote the passage of the source that reports the incident.")
        if errors:
            return
        evidence.source = source
        incident._new_source = source
        incident._row_evidence = evidence
        incident._row_commitments = commitments
        check_entry(incident, errors, evidence.clean)  # whose words, and the speaker they need
        check_entry(incident, errors, incident.full_clean)  # kinds, coordinates, dates
        if not errors and (problem := incident.precision_problem([source])):
            errors["time_precision"] = problem
        if not errors and (problem := incident.sources_problem([source])):
            errors["date"] = problem

    def save_entry(self, incident: Incident) -> None:
        evidence = incident._row_evidence
        evidence.source = incident._new_source  # saved now, when it was new
        incident.record([evidence], commitments=incident._row_commitments)  # a draft: the model's default


RESOURCES = {"assessment": AssessmentResource, "claim": ClaimResource, "incident": IncidentResource}

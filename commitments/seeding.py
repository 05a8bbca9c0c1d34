"""Load an agreement from a seed file (the format is described in seeds/README.md).

Loading is all or nothing: the whole file is validated and written in one
transaction, and any problem raises SeedError naming the file, the entry and what
is wrong. Loading the same file again changes nothing. History is never rewritten:
a status update, claim or deadline change already in the database is matched, and
one whose recorded content differs from the file is an error, not an edit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from .acled import TimePrecision
from .models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
    AgreementText,
    CasualtyReport,
    Claim,
    Commitment,
    DatePrecision,
    DeadlineChange,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Provision,
    PublishedVia,
    ReviewState,
    Source,
    Speaker,
    SpeechKind,
    StatusUpdate,
    VersionDeadline,
    finest_precision,
    published_only,
)

SUPPORTED_FORMATS = {1}
# What a casualty report of an incident says, in the file and in the database.
CASUALTY_FIELDS = ("kind", "group", "minimum", "maximum", "source", "quote")

AGREEMENT_FIELDS = {
    "slug",
    "title",
    "short_title",
    "summary",
    "signatories",
    "signed_on",
    "time_zone",
    "entry_into_force",
    "texts",
    "events",
    "links",
}


class _SeedYamlLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when the wheel has it
    """YAML without implicit timestamps: dates stay text, so a bad one is reported
    at its entry by the loader instead of crashing the YAML parser."""


_SeedYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class SeedError(Exception):
    """A seed file is malformed; the message names the file, the entry and the problem."""

    def __init__(self, filename: str, where: str, problem: str) -> None:
        self.filename, self.where, self.problem = filename, where, problem
        super().__init__(f"{filename}: {where}: {problem}" if where else f"{filename}: {problem}")


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, outcome: str) -> None:
        bucket = self.created if outcome == "created" else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


class _Entry:
    """A mapping from the file together with where it sits, for precise errors."""

    def __init__(self, loader: _Loader, data: Any, where: str, allowed: set[str], required: set[str]) -> None:
        self.loader, self.where = loader, where
        if not isinstance(data, dict):
            loader.fail(where, f"expected a mapping of fields, got {type(data).__name__}")
        unknown = set(data) - allowed
        if unknown:
            loader.fail(
                where, f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(allowed))}"
            )
        missing = required - set(data)
        if missing:
            loader.fail(where, f"missing required field(s) {', '.join(sorted(missing))}")
        self.data = data

    def get(self, name: str, default: Any = None) -> Any:
        return self.data.get(name, default)

    def text(self, name: str, default: str = "") -> str:
        value = self.data.get(name, default)
        if value is None:
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.loader.fail(self.path(name), f"expected text, got {type(value).__name__}")
        return str(value).strip()

    def date(self, name: str) -> dt.date | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            self.loader.fail(self.path(name), "expected a date (YYYY-MM-DD), not a date and time")
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.loader.fail(self.path(name), f"{value!r} is not a valid date (YYYY-MM-DD)")

    def moment(self, name: str) -> dt.datetime | None:
        """Return an ISO date and time; without an offset it is taken as UTC."""
        value = self.data.get(name)
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            self.loader.fail(self.path(name), f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM:SS+00:00)")
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.loader.fail(self.path(name), f"expected a whole number of zero or more, got {value!r}")
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.loader.fail(self.path(name), f"expected true or false, got {value!r}")
        return value

    def items(self, name: str) -> list[tuple[str, Any]]:
        value = self.data.get(name) or []
        if not isinstance(value, list):
            self.loader.fail(self.path(name), f"expected a list, got {type(value).__name__}")
        return [(f"{self.path(name)}[{index}]", item) for index, item in enumerate(value)]

    def path(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name


class _Loader:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.report = LoadReport()
        self.parties: dict[str, Party] = {}
        self.sources: dict[str, Source] = {}
        self.speakers: dict[str, Speaker] = {}
        self.incidents: dict[str, Incident] = {}
        # Status updates naming incidents, linked after the incidents (which name commitments) are loaded.
        self.incident_links: list[tuple[StatusUpdate, list[tuple[str, Any]], str]] = []
        self.events: dict[str, AgreementEvent] = {}

    def fail(self, where: str, problem: str) -> None:
        raise SeedError(self.filename, where, problem)

    def entry(self, data: Any, where: str, allowed: set[str], required: set[str] = frozenset()) -> _Entry:
        return _Entry(self, data, where, set(allowed), set(required))

    def validate(self, instance: models.Model, where: str, exclude: list[str] | None = None) -> None:
        try:
            instance.full_clean(exclude=exclude)
        except ValidationError as error:
            problems = []
            for field_name, messages in error.message_dict.items():
                prefix = "" if field_name == "__all__" else f"{field_name}: "
                problems.extend(prefix + message for message in messages)
            self.fail(where, "; ".join(problems))

    def upsert(self, model: type[models.Model], lookup: dict, values: dict, where: str, exclude=None):
        """Create the row `lookup` names, or bring its `values` up to date; count what changed."""
        instance = model.objects.filter(**lookup).first()
        kind = model._meta.verbose_name_plural
        if instance is None:
            instance = model(**lookup, **values)
            self.validate(instance, where, exclude)
            instance.save()
            self.report.count(kind, "created")
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        if changed:
            for name in changed:
                setattr(instance, name, values[name])
            self.validate(instance, where, exclude)
            instance.save()
            self.report.count(kind, "updated")
        return instance

    def set_many(self, instance: models.Model, relation: str, targets: list[models.Model]) -> None:
        manager = getattr(instance, relation)
        if {obj.pk for obj in manager.all()} != {obj.pk for obj in targets}:
            manager.set(targets)
            self.report.count(f"{instance._meta.verbose_name} {relation}", "updated")

    def party(self, slug: Any, where: str) -> Party:
        if slug not in self.parties:
            party = Party.objects.filter(slug=slug).first() if isinstance(slug, str) else None
            if party is None:
                self.fail(where, f"unknown party {slug!r}; list it under 'parties' first")
            self.parties[slug] = party
        return self.parties[slug]

    def parties_list(self, entry: _Entry, name: str) -> list[Party]:
        items = entry.items(name)
        return [self.party(slug, where) for where, slug in items]

    def source(self, key: Any, where: str) -> Source:
        if key not in self.sources:
            self.fail(where, f"unknown source {key!r}; list it under 'sources' first")
        return self.sources[key]

    def speaker(self, key: Any, where: str) -> Speaker:
        if key not in self.speakers:
            self.fail(where, f"unknown speaker {key!r}; list it under 'speakers' first")
        return self.speakers[key]

    def claim_speaker(self, value: Any, party: Party, where: str) -> Speaker:
        """Return a claim's speaker: a key listed under 'speakers', or (the form of files written
        before speakers were listed) the text "Name, office", a speaker of the claim's party."""
        if value in self.speakers:
            return self.speakers[value]
        if not isinstance(value, str) or not value.strip():
            self.fail(where, f"expected a speaker key or 'Name, office', got {value!r}")
        name, role = Speaker.split(value)
        return self.upsert(Speaker, {"name": name, "role": role, "party": party}, {}, where)

    def precision(self, entry: _Entry, name: str) -> str | None:
        value = entry.text(name) or None
        if value is not None and value not in DatePrecision.values:
            self.fail(entry.path(name), f"{value!r} is not one of {', '.join(DatePrecision.values)}")
        return value

    def speech_kind(self, entry: _Entry, allowed: list[str]) -> str:
        """Return the entry's speech kind, "" when the file does not say (files written before it was asked)."""
        value = entry.text("speech")
        if value and value not in allowed:
            self.fail(entry.path("speech"), f"{value!r} is not one of {', '.join(allowed)}")
        return value

    # --- sections --------------------------------------------------------------

    def load(self, document: Any) -> None:
        top = self.entry(
            document,
            "",
            {"format", "parties", "speakers", "sources", "agreement", "provisions", "incidents", "claims"},
            {"format", "agreement"},
        )
        if top.get("format") not in SUPPORTED_FORMATS:
            self.fail("format", f"unsupported format {top.get('format')!r}; this tracker reads format 1")
        for where, data in top.items("parties"):
            self.load_party(data, where)
        for where, data in top.items("speakers"):
            self.load_speaker(data, where)
        for where, data in top.items("sources"):
            self.load_source(data, where)
        agreement = self.load_agreement(top.get("agreement"), "agreement")
        self.events = {}
        agreement_entry = self.entry(top.get("agreement"), "agreement", AGREEMENT_FIELDS)
        for where, data in agreement_entry.items("events"):
            self.load_event(agreement, data, where)
        numbers = set()
        for position, (where, data) in enumerate(top.items("provisions"), start=1):
            provision = self.load_provision(agreement, data, where, position)
            if provision.number in numbers:
                self.fail(where, f"point {provision.number} is listed twice")
            numbers.add(provision.number)
        for where, data in top.items("incidents"):
            self.load_incident(agreement, data, where)
        self.link_incidents()
        for where, data in agreement_entry.items("links"):
            self.load_link(agreement, data, where)
        for where, data in top.items("claims"):
            self.load_claim_elsewhere(data, where)

    def other_agreement(self, slug: Any, where: str) -> Agreement:
        """Return another agreement this file refers to, which must be loaded already."""
        agreement = Agreement.objects.filter(slug=slug).first() if isinstance(slug, str) else None
        if agreement is None:
            self.fail(
                where,
                f"agreement {slug!r} is not loaded: load its seed file first (load_agreement takes several files "
                "and loads them in the order their links need)",
            )
        return agreement

    def load_event(self, agreement: Agreement, data: Any, where: str) -> None:
        entry = self.entry(
            data, where, {"code", "name", "occurred_on", "source", "quote", "verbatim"}, {"code", "name"}
        )
        code = entry.text("code")
        entry.where = where = f"{where} ({code})"
        if code in self.events:
            self.fail(where, f"event code {code!r} is used twice")
        source_key = entry.get("source")
        self.events[code] = self.upsert(
            AgreementEvent,
            {"agreement": agreement, "code": code},
            {
                "name": entry.text("name"),
                "occurred_on": entry.date("occurred_on"),
                "source": self.source(source_key, f"{where}.source") if source_key else None,
                "quote": entry.text("quote"),
                "is_verbatim": entry.boolean("verbatim", True),
            },
            where,
        )

    def load_link(self, agreement: Agreement, data: Any, where: str) -> None:
        entry = self.entry(
            data, where, {"kind", "agreement", "provisions", "by_provisions", "note"}, {"kind", "agreement"}
        )
        kind = entry.text("kind")
        if kind not in AgreementLink.Kind.values:
            self.fail(entry.path("kind"), f"{kind!r} is not one of {', '.join(AgreementLink.Kind.values)}")
        other = self.other_agreement(entry.get("agreement"), entry.path("agreement"))
        if other.pk == agreement.pk:
            self.fail(entry.path("agreement"), "an agreement cannot link to itself")
        link = self.upsert(
            AgreementLink,
            {"from_agreement": agreement, "to_agreement": other, "kind": kind},
            {"note": entry.text("note")},
            where,
        )
        for name, owner in (("provisions", other), ("by_provisions", agreement)):
            targets = []
            for point_where, number in entry.items(name):
                provision = Provision.objects.filter(agreement=owner, number=str(number)).first()
                if provision is None:
                    self.fail(point_where, f"{owner.slug} has no point {number!r}")
                targets.append(provision)
            self.set_many(link, name, targets)

    def load_claim_elsewhere(self, data: Any, where: str) -> None:
        """A claim about a commitment of another agreement, made in connection with this one (Putin on
        the 2020 statement's refugees, at the briefing on the Moscow statement): it joins that
        commitment's record, and an export lists it there."""
        if not isinstance(data, dict):
            self.fail(where, f"expected a mapping of fields, got {type(data).__name__}")
        target = {name: data.get(name) for name in ("agreement", "commitment")}
        if None in target.values():
            self.fail(where, "name the claim's agreement (slug) and commitment (code)")
        other = self.other_agreement(target["agreement"], f"{where}.agreement")
        commitment = Commitment.objects.filter(provision__agreement=other, code=target["commitment"]).first()
        if commitment is None:
            self.fail(f"{where}.commitment", f"{other.slug} has no commitment {target['commitment']!r}")
        self.load_claim(commitment, {k: v for k, v in data.items() if k not in target}, where)

    def load_party(self, data: Any, where: str) -> None:
        entry = self.entry(data, where, {"slug", "name", "short_name", "kind"}, {"slug", "name", "kind"})
        slug = entry.text("slug")
        entry.where = where = f"{where} ({slug})"
        party = self.upsert(
            Party,
            {"slug": slug},
            {"name": entry.text("name"), "short_name": entry.text("short_name"), "kind": entry.text("kind")},
            where,
        )
        self.parties[slug] = party

    def load_speaker(self, data: Any, where: str) -> None:
        entry = self.entry(data, where, {"key", "name", "role", "party"}, {"key", "name", "party"})
        key = entry.text("key")
        entry.where = where = f"{where} ({key})"
        if key in self.speakers:
            self.fail(where, f"speaker key {key!r} is used twice")
        # A speaker is the same speaker when name, role and party are: a new office is a new entry.
        self.speakers[key] = self.upsert(
            Speaker,
            {
                "name": entry.text("name"),
                "role": entry.text("role"),
                "party": self.party(entry.get("party"), f"{where}.party"),
            },
            {},
            where,
        )

    def load_source(self, data: Any, where: str) -> None:
        fields = {
            "key",
            "publisher",
            "title",
            "author",
            "published_on",
            "published_on_precision",
            "language",
            "url",
            "archive_url",
            "kind",
            "notes",
            "affiliated_party",
        }
        entry = self.entry(data, where, fields, {"key", "publisher", "title", "published_on", "language", "kind"})
        key = entry.text("key")
        entry.where = where = f"{where} ({key})"
        if key in self.sources:
            self.fail(where, f"source key {key!r} is used twice")
        url = entry.text("url")
        values = {
            "publisher": entry.text("publisher"),
            "title": entry.text("title"),
            "author": entry.text("author"),
            "published_on": entry.date("published_on"),
            "published_on_precision": entry.text("published_on_precision", Source.DatePrecision.DAY),
            "language": entry.text("language"),
            "kind": entry.text("kind"),
            "notes": entry.text("notes"),
            "url": url,
            "affiliated_party": (
                self.party(entry.get("affiliated_party"), f"{where}.affiliated_party")
                if entry.get("affiliated_party")
                else None
            ),
        }
        # A source is the same source when its URL is; without a URL, when its
        # publisher, title and date are.
        lookup = {"url": url} if url else {name: values.pop(name) for name in ("publisher", "title", "published_on")}
        if url:
            values.pop("url")
        # An archived copy is often added by a monitor after the seed was written: a file that
        # does not name one leaves the recorded one alone.
        if "archive_url" in entry.data:
            values["archive_url"] = entry.text("archive_url")
        self.sources[key] = self.upsert(Source, lookup, values, where)

    def load_agreement(self, data: Any, where: str) -> Agreement:
        entry = self.entry(
            data, where, AGREEMENT_FIELDS, {"slug", "title", "signed_on", "time_zone", "entry_into_force"}
        )
        time_zone = entry.text("time_zone")
        probe = Agreement(time_zone=time_zone)
        try:
            tz = probe.tz
        except Exception:
            self.fail(f"{where}.time_zone", f"{time_zone!r} is not a known IANA time zone, such as Europe/Moscow")
        raw_moment = entry.get("entry_into_force")
        # A date alone: in force that day, the hour not on record (the start of the day stands for it).
        time_known = "T" in str(raw_moment)
        try:
            moment = raw_moment if isinstance(raw_moment, dt.datetime) else dt.datetime.fromisoformat(str(raw_moment))
        except ValueError:
            self.fail(f"{where}.entry_into_force", f"{raw_moment!r} is not a date and time (YYYY-MM-DDTHH:MM:SS)")
        if moment.tzinfo is None:  # a local time in the agreement's zone, as the text states it
            moment = moment.replace(tzinfo=tz)
        agreement = self.upsert(
            Agreement,
            {"slug": entry.text("slug")},
            {
                "title": entry.text("title"),
                "short_title": entry.text("short_title"),
                "summary": entry.text("summary"),
                "signed_on": entry.date("signed_on"),
                "time_zone": time_zone,
                "entry_into_force": moment,
                "entry_into_force_time_known": time_known,
            },
            where,
        )
        self.set_many(agreement, "signatories", self.parties_list(entry, "signatories"))
        quoted = 0
        for text_where, text_data in entry.items("texts"):
            text_entry = self.entry(
                text_data,
                text_where,
                {"label", "publisher", "url", "language", "is_quoted", "notes"},
                {"label", "publisher", "language"},
            )
            is_quoted = text_entry.boolean("is_quoted", False)
            quoted += is_quoted
            if quoted > 1:
                self.fail(text_where, "only one version of the text can be the quoted one")
            self.upsert(
                AgreementText,
                {"agreement": agreement, "label": text_entry.text("label")},
                {
                    "publisher": text_entry.text("publisher"),
                    "url": text_entry.text("url"),
                    "language": text_entry.text("language"),
                    "is_quoted": is_quoted,
                    "notes": text_entry.text("notes"),
                },
                text_where,
            )
        return agreement

    def load_provision(self, agreement: Agreement, data: Any, where: str, position: int) -> Provision:
        entry = self.entry(data, where, {"number", "text", "text_variants", "commitments"}, {"number", "text"})
        number = entry.text("number")
        entry.where = where = f"{where} (point {number})"
        provision = self.upsert(
            Provision,
            {"agreement": agreement, "number": number},
            {"position": position, "text": entry.text("text"), "text_variants": entry.text("text_variants")},
            where,
        )
        for commitment_where, commitment_data in entry.items("commitments"):
            self.load_commitment(provision, commitment_data, commitment_where)
        return provision

    def load_commitment(self, provision: Provision, data: Any, where: str) -> None:
        fields = {
            "code",
            "title",
            "description",
            "responsible",
            "supervising",
            "category",
            "deadline",
            "deadline_changes",
            "version_deadlines",
            "status_updates",
            "claims",
        }
        entry = self.entry(data, where, fields, {"code", "title", "description", "responsible", "category", "deadline"})
        code = entry.text("code")
        entry.where = where = f"{where} ({code})"
        existing = Commitment.objects.filter(provision__agreement=provision.agreement, code=code).exclude(
            provision=provision
        )
        if existing.exists():
            self.fail(where, f"code {code!r} is already used by another point of this agreement")
        deadline = self.entry(
            entry.get("deadline"),
            f"{where}.deadline",
            {"kind", "date", "months", "days", "event", "term_months", "notice_months"},
            {"kind"},
        )
        event_code = deadline.get("event")
        if event_code is not None and event_code not in self.events:
            self.fail(deadline.path("event"), f"unknown event {event_code!r}; list it under 'agreement.events' first")
        commitment = self.upsert(
            Commitment,
            {"provision": provision, "code": code},
            {
                "title": entry.text("title"),
                "description": entry.text("description"),
                "category": entry.text("category"),
                "deadline_kind": deadline.text("kind"),
                "deadline_date": deadline.date("date"),
                "period_months": deadline.integer("months"),
                "period_days": deadline.integer("days"),
                "deadline_event": self.events[event_code] if event_code is not None else None,
                "term_months": deadline.integer("term_months"),
                "notice_months": deadline.integer("notice_months"),
            },
            where,
        )
        responsible = self.parties_list(entry, "responsible")
        if not responsible:
            self.fail(f"{where}.responsible", "name at least one responsible party")
        self.set_many(commitment, "responsible_parties", responsible)
        self.set_many(commitment, "supervising_bodies", self.parties_list(entry, "supervising"))
        for version_where, version_data in entry.items("version_deadlines"):
            self.load_version_deadline(commitment, version_data, version_where)
        for change_where, change_data in entry.items("deadline_changes"):
            self.load_deadline_change(commitment, change_data, change_where)
        for update_where, update_data in entry.items("status_updates"):
            self.load_status_update(commitment, update_data, update_where)
        for claim_where, claim_data in entry.items("claims"):
            self.load_claim(commitment, claim_data, claim_where)

    def load_version_deadline(self, commitment: Commitment, data: Any, where: str) -> None:
        entry = self.entry(data, where, {"text", "wording", "date"}, {"text", "wording", "date"})
        label = entry.text("text")
        text = AgreementText.objects.filter(agreement=commitment.agreement, label=label).first()
        if text is None:
            self.fail(
                entry.path("text"), f"no version of the text is labelled {label!r}; list it under 'agreement.texts'"
            )
        self.upsert(
            VersionDeadline,
            {"commitment": commitment, "text": text},
            {"wording": entry.text("wording"), "deadline_date": entry.date("date")},
            where,
        )

    def recorded(self, entry: _Entry) -> dict:
        """Return who recorded an entry and when, and where it stands in review, as an export wrote
        them. A username with no account here is left out (accounts are not part of seed files).
        An entry without `review` is a sourced fact of a seed file: published."""
        values = {}
        if entry.get("recorded_at") is not None:
            values["recorded_at"] = entry.moment("recorded_at")
        username = entry.get("recorded_by")
        if username:
            values["recorded_by"] = get_user_model().objects.filter(username=username).first()
        return {**values, **self.review(entry)}

    def review(self, entry: _Entry) -> dict:
        if entry.get("review") is None:
            return {"review_state": ReviewState.PUBLISHED, "published_via": PublishedVia.SEED}
        review = self.entry(
            entry.get("review"), entry.path("review"), {"state", "via", "reviewed_at", "reviewed_by", "comment"}
        )
        state = review.text("state", ReviewState.PUBLISHED)
        if state not in ReviewState.values:
            self.fail(review.path("state"), f"{state!r} is not one of {', '.join(ReviewState.values)}")
        via = review.text("via")
        if state == ReviewState.PUBLISHED and via not in PublishedVia.values:
            self.fail(review.path("via"), f"{via!r} is not one of {', '.join(PublishedVia.values)}")
        if state != ReviewState.PUBLISHED and via:
            self.fail(review.path("via"), "only a published entry says how it was published")
        username = review.get("reviewed_by")
        return {
            "review_state": state,
            "published_via": via,
            "reviewed_at": review.moment("reviewed_at"),
            "reviewed_by": get_user_model().objects.filter(username=username).first() if username else None,
            "review_comment": review.text("comment"),
        }

    def refuse_rewrite(self, where: str, recorded: dict, in_file: dict) -> None:
        differences = [name for name in in_file if recorded.get(name) != in_file[name]]
        if differences:
            self.fail(
                where,
                f"differs from the entry already recorded ({', '.join(differences)}); history is not "
                "rewritten — add a new entry that corrects it instead",
            )

    def fill_in(self, instance: models.Model, values: dict, where: str) -> None:
        """Fill in what an entry recorded before the tracker asked for it leaves unstated (whose
        words a quote is, why a correction was made); refuse to change anything it states."""
        changed = []
        for name, value in values.items():
            recorded = getattr(instance, name)
            if value in (None, "") or recorded == value:
                continue
            if recorded not in (None, ""):
                self.refuse_rewrite(where, {name: recorded}, {name: value})
            setattr(instance, name, value)
            changed.append(name)
        if changed:
            self.validate(instance, where, exclude=["status_update"] if isinstance(instance, Evidence) else None)
            instance.save(update_fields=changed)
            self.report.count(f"{instance._meta.verbose_name_plural} (filled in)", "updated")

    def load_deadline_change(self, commitment: Commitment, data: Any, where: str) -> None:
        fields = {
            "new_deadline",
            "decided_on",
            "requested_by",
            "agreed_by",
            "announced_by",
            "reason",
            "source",
            "quote",
            "recorded_at",
            "recorded_by",
            "review",
        }
        entry = self.entry(data, where, fields, {"new_deadline", "decided_on", "agreed_by", "reason", "source"})
        requested_by = entry.get("requested_by")
        announced_by = entry.get("announced_by")
        values = {
            "reason": entry.text("reason"),
            "quote": entry.text("quote"),
            "source": self.source(entry.get("source"), f"{where}.source"),
            "requested_by": self.party(requested_by, f"{where}.requested_by") if requested_by else None,
            "announced_by": self.party(announced_by, f"{where}.announced_by") if announced_by else None,
        }
        agreed_by = self.parties_list(entry, "agreed_by")
        lookup = {
            "commitment": commitment,
            "new_deadline": entry.date("new_deadline"),
            "decided_on": entry.date("decided_on"),
        }
        recorded = DeadlineChange.objects.filter(**lookup).first()
        if recorded:
            self.refuse_rewrite(
                where,
                {**{name: getattr(recorded, name) for name in values}, "agreed_by": set(recorded.agreed_by.all())},
                {**values, "agreed_by": set(agreed_by)},
            )
            return
        change = DeadlineChange(**lookup, **values, **self.recorded(entry))
        self.validate(change, where, exclude=["previous_deadline"])
        change.save()
        change.agreed_by.set(agreed_by)
        self.report.count("deadline changes", "created")

    def evidence_entries(self, entry: _Entry) -> list[tuple[str, dict, dict]]:
        """Return an entry's evidence as (where, what it quotes, whose words), for status updates and incidents."""
        evidence = []
        for evidence_where, evidence_data in entry.items("evidence"):
            evidence_entry = self.entry(
                evidence_data,
                evidence_where,
                {"source", "quote", "verbatim", "speech", "speaker"},
                {"source", "quote"},
            )
            speaker_key = evidence_entry.get("speaker")
            evidence.append(
                (
                    evidence_where,
                    {
                        "source": self.source(evidence_entry.get("source"), f"{evidence_where}.source"),
                        "quote": evidence_entry.text("quote"),
                        "is_verbatim": evidence_entry.boolean("verbatim", True),
                    },
                    {
                        "speech_kind": self.speech_kind(evidence_entry, SpeechKind.values),
                        "speaker": self.speaker(speaker_key, evidence_entry.path("speaker")) if speaker_key else None,
                    },
                )
            )
        return evidence

    def load_status_update(self, commitment: Commitment, data: Any, where: str) -> None:
        entry = self.entry(
            data,
            where,
            {
                "status",
                "as_of",
                "as_of_precision",
                "summary",
                "evidence",
                "corrects",
                "correction_reason",
                "incidents",
                "recorded_at",
                "recorded_by",
                "review",
            },
            {"status", "as_of", "summary", "evidence"},
        )
        incident_keys = entry.items("incidents")
        evidence = self.evidence_entries(entry)
        if not evidence:
            self.fail(f"{where}.evidence", "a status update needs at least one piece of evidence")
        corrects = None
        if entry.get("corrects") is not None:
            target = self.entry(
                entry.get("corrects"), entry.path("corrects"), {"status", "as_of", "recorded_at"}, {"status", "as_of"}
            )
            corrected = StatusUpdate.objects.filter(
                commitment=commitment, status=target.text("status"), as_of=target.date("as_of")
            )
            if target.get("recorded_at") is not None:
                corrected = corrected.filter(recorded_at=target.moment("recorded_at"))
            corrects = corrected.order_by("recorded_at", "id").first()
            if corrects is None:
                self.fail(entry.path("corrects"), "no such status update of this commitment listed before this one")
        # Identity: commitment, date, status and the entry it corrects (a correction can share its
        # date and status with the entry it corrects); an export adds when it was recorded.
        lookup = {
            "commitment": commitment,
            "as_of": entry.date("as_of"),
            "status": entry.text("status"),
            "corrects": corrects,
        }
        if entry.get("recorded_at") is not None:
            lookup["recorded_at"] = entry.moment("recorded_at")
        summary = entry.text("summary")
        precision = self.precision(entry, "as_of_precision") or finest_precision(
            values["source"].published_on_precision for _, values, _ in evidence
        )
        recorded = StatusUpdate.objects.filter(**lookup).first()
        if recorded:
            recorded_evidence = list(recorded.evidence.order_by("id"))
            self.refuse_rewrite(
                where,
                {
                    "summary": recorded.summary,
                    "as_of_precision": recorded.as_of_precision,
                    "evidence": [
                        {"source": item.source, "quote": item.quote, "is_verbatim": item.is_verbatim}
                        for item in recorded_evidence
                    ],
                },
                {"summary": summary, "as_of_precision": precision, "evidence": [values for _, values, _ in evidence]},
            )
            self.fill_in(recorded, {"correction_reason": entry.text("correction_reason")}, where)
            for item, (evidence_where, _, attribution) in zip(recorded_evidence, evidence, strict=True):
                self.fill_in(item, attribution, evidence_where)
            if incident_keys:
                self.incident_links.append((recorded, incident_keys, entry.path("incidents")))
            return
        update = StatusUpdate(
            **{**self.recorded(entry), **lookup},
            summary=summary,
            as_of_precision=precision,
            correction_reason=entry.text("correction_reason"),
        )
        self.validate(update, where)
        items = []
        for evidence_where, values, attribution in evidence:
            item = Evidence(status_update=update, **values, **attribution)
            self.validate(item, evidence_where, exclude=["status_update"])
            items.append(item)
        try:
            update.record(items)
        except ValidationError as error:
            self.fail(where, "; ".join(error.messages))
        self.report.count("status updates", "created")
        if incident_keys:  # linked once the file's incidents are loaded (link_incidents)
            self.incident_links.append((update, incident_keys, entry.path("incidents")))

    def load_claim(self, commitment: Commitment, data: Any, where: str) -> None:
        required = {"party", "speaker", "stated_on", "position", "summary", "source", "quote"}
        optional = {
            "speech",
            "verbatim",
            "stated_on_precision",
            "corrects",
            "correction_reason",
            "recorded_at",
            "recorded_by",
            "review",
        }
        entry = self.entry(data, where, required | optional, required)
        party = self.party(entry.get("party"), f"{where}.party")
        source = self.source(entry.get("source"), f"{where}.source")
        corrects = None
        if entry.get("corrects") is not None:
            target = self.entry(
                entry.get("corrects"),
                entry.path("corrects"),
                {"speaker", "stated_on", "position", "recorded_at"},
                {"speaker", "stated_on", "position"},
            )
            corrected = Claim.objects.filter(
                commitment=commitment,
                speaker=self.claim_speaker(target.get("speaker"), party, target.path("speaker")),
                stated_on=target.date("stated_on"),
                position=target.text("position"),
            )
            if target.get("recorded_at") is not None:
                corrected = corrected.filter(recorded_at=target.moment("recorded_at"))
            corrects = corrected.order_by("recorded_at", "id").first()
            if corrects is None:
                self.fail(entry.path("corrects"), "no such claim about this commitment listed before this one")
        lookup = {
            "commitment": commitment,
            "speaker": self.claim_speaker(entry.get("speaker"), party, f"{where}.speaker"),
            "stated_on": entry.date("stated_on"),
            "position": entry.text("position"),
            "corrects": corrects,
        }
        if entry.get("recorded_at") is not None:
            lookup["recorded_at"] = entry.moment("recorded_at")
        values = {
            "party": party,
            "summary": entry.text("summary"),
            "source": source,
            "quote": entry.text("quote"),
            "is_verbatim": entry.boolean("verbatim", True),
            "stated_on_precision": self.precision(entry, "stated_on_precision") or source.published_on_precision,
        }
        unstated = {
            "speech_kind": self.speech_kind(entry, [SpeechKind.DIRECT, SpeechKind.REPORTED]),
            "correction_reason": entry.text("correction_reason"),
        }
        recorded = Claim.objects.filter(**lookup).first()
        if recorded:
            self.refuse_rewrite(where, {name: getattr(recorded, name) for name in values}, values)
            self.fill_in(recorded, unstated, where)
            return
        claim = Claim(**{**self.recorded(entry), **lookup}, **values, **unstated)
        self.validate(claim, where)
        claim.save()
        self.report.count("claims", "created")

    INCIDENT_FIELDS = {
        "key",
        "occurred_on",
        "time_precision",
        "occurred_at",
        "ended_on",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actors_1",
        "actor2",
        "assoc_actors_2",
        "alleged_by",
        "alleged_against",
        "summary",
        "commitments",
        "casualties",
        "evidence",
        "recorded_at",
        "recorded_by",
        "review",
    }

    def coordinate(self, entry: _Entry, name: str) -> Decimal | None:
        value = entry.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            self.fail(entry.path(name), f"expected decimal degrees (WGS84), got {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.fail(entry.path(name), f"{value!r} is not a number of decimal degrees (WGS84)")

    def optional_party(self, entry: _Entry, name: str) -> Party | None:
        slug = entry.get(name)
        return self.party(slug, entry.path(name)) if slug else None

    def load_incident(self, agreement: Agreement, data: Any, where: str) -> None:
        required = {"key", "occurred_on", "country", "location", "geo_precision", "event_type", "sub_event_type"}
        entry = self.entry(data, where, self.INCIDENT_FIELDS, required | {"summary", "evidence"})
        key = entry.text("key")
        entry.where = where = f"{where} ({key})"
        if key in self.incidents:
            self.fail(where, f"incident key {key!r} is used twice")
        for name in ("time_precision", "geo_precision"):
            if entry.get(name) is not None:
                entry.integer(name)
        codes = [(code_where, code) for code_where, code in entry.items("commitments")]
        commitments = []
        for code_where, code in codes:
            commitment = Commitment.objects.filter(provision__agreement=agreement, code=code).first()
            if commitment is None:
                self.fail(code_where, f"no commitment {code!r} in this agreement")
            commitments.append(commitment)
        evidence = self.evidence_entries(entry)
        if not evidence:
            self.fail(f"{where}.evidence", "an incident needs at least one piece of evidence")
        reports = []
        for report_where, report_data in entry.items("casualties"):
            report_entry = self.entry(
                report_data,
                report_where,
                {"kind", "group", "minimum", "maximum", "source", "quote"},
                {"kind", "source"},
            )
            reports.append(
                {
                    "kind": report_entry.text("kind"),
                    "group": report_entry.text("group", CasualtyReport.Group.ALL),
                    "minimum": report_entry.integer("minimum"),
                    "maximum": report_entry.integer("maximum"),
                    "source": self.source(report_entry.get("source"), report_entry.path("source")),
                    "quote": report_entry.text("quote"),
                }
            )
        lookup = {
            "agreement": agreement,
            "occurred_on": entry.date("occurred_on"),
            "sub_event_type": entry.text("sub_event_type"),
            "location": entry.text("location"),
        }
        if entry.get("recorded_at") is not None:
            lookup["recorded_at"] = entry.moment("recorded_at")
        values = {
            "time_precision": entry.get("time_precision", TimePrecision.DAY),
            "occurred_at": entry.moment("occurred_at"),
            "ended_on": entry.date("ended_on"),
            "country": entry.text("country"),
            "admin1": entry.text("admin1"),
            "admin2": entry.text("admin2"),
            "admin3": entry.text("admin3"),
            "latitude": self.coordinate(entry, "latitude"),
            "longitude": self.coordinate(entry, "longitude"),
            "geo_precision": entry.get("geo_precision"),
            "event_type": entry.text("event_type"),
            "actor1": self.optional_party(entry, "actor1"),
            "actor2": self.optional_party(entry, "actor2"),
            "alleged_by": self.optional_party(entry, "alleged_by"),
            "alleged_against": self.optional_party(entry, "alleged_against"),
            "summary": entry.text("summary"),
        }
        relations = {
            "assoc_actors_1": self.parties_list(entry, "assoc_actors_1"),
            "assoc_actors_2": self.parties_list(entry, "assoc_actors_2"),
            "commitments": commitments,
        }
        recorded = Incident.objects.filter(**lookup).first()
        if recorded:
            self.refuse_rewrite(
                where,
                {
                    **{name: getattr(recorded, name) for name in values},
                    **{name: set(getattr(recorded, name).all()) for name in relations},
                    "evidence": [
                        {"source": item.source, "quote": item.quote, "is_verbatim": item.is_verbatim}
                        for item in recorded.evidence.order_by("id")
                    ],
                    "casualties": [
                        {name: getattr(report, name) for name in CASUALTY_FIELDS}
                        for report in recorded.casualty_reports.order_by("id")
                    ],
                },
                {
                    **values,
                    **{name: set(targets) for name, targets in relations.items()},
                    "evidence": [values for _, values, _ in evidence],
                    "casualties": reports,
                },
            )
            self.incidents[key] = recorded
            return
        incident = Incident(**{**self.recorded(entry), **lookup}, **values)
        self.validate(incident, where)
        items = []
        for evidence_where, evidence_values, attribution in evidence:
            item = IncidentEvidence(incident=incident, **evidence_values, **attribution)
            self.validate(item, evidence_where, exclude=["incident"])
            items.append(item)
        try:
            incident.record(
                items,
                commitments=commitments,
                casualty_reports=[CasualtyReport(**report) for report in reports],
                assoc_actors_1=relations["assoc_actors_1"],
                assoc_actors_2=relations["assoc_actors_2"],
            )
        except ValidationError as error:
            self.fail(where, "; ".join(error.messages))
        self.incidents[key] = incident
        self.report.count("incidents", "created")

    def link_incidents(self) -> None:
        """Link each status update to the incidents it names (by key in this file); an update recorded
        without them gets them, one recorded with others is not rewritten."""
        for update, keys, where in self.incident_links:
            incidents = []
            for key_where, key in keys:
                if key not in self.incidents:
                    self.fail(key_where, f"unknown incident {key!r}; list it under 'incidents'")
                incidents.append(self.incidents[key])
            recorded = set(update.incidents.all())
            if recorded == set(incidents):
                continue
            if recorded:
                self.refuse_rewrite(where, {"incidents": recorded}, {"incidents": set(incidents)})
            if problem := update.incidents_problem(incidents):
                self.fail(where, problem)
            update.incidents.set(incidents)
            self.report.count("status updates (incidents linked)", "updated")


def seed_dependencies(path: str | Path) -> tuple[str | None, set[str]]:
    """Return the agreement a seed file holds and the agreements it refers to (its links and its
    claims about other agreements), or (None, set()) when the file cannot be read as a seed (the
    loader then reports why)."""
    try:
        document = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_SeedYamlLoader)  # noqa: S506
        agreement = document["agreement"]
        slug = str(agreement["slug"])
        needs = {str(link["agreement"]) for link in agreement.get("links") or []}
        needs |= {str(claim["agreement"]) for claim in document.get("claims") or []}
    except Exception:  # noqa: BLE001 (any malformed file: load_agreement_file names the problem)
        return None, set()
    return slug, needs - {slug}


def load_order(paths: list[str]) -> list[str]:
    """Return `paths` in an order where each file comes after the files of the agreements it links
    to (otherwise as given): `load_agreement seeds/*.yaml` loads the Moscow statement after the 2020
    statement it implements. A file that needs an agreement found in no file must find it loaded."""
    holds = {}
    needs = {}
    for path in paths:
        slug, dependencies = seed_dependencies(path)
        needs[path] = dependencies
        if slug is not None:
            holds.setdefault(slug, path)
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(path: str) -> None:
        if path in ordered or path in visiting:
            return  # a cycle is left to the loader, which names the agreement that is missing
        visiting.add(path)
        for slug in sorted(needs[path]):
            if slug in holds:
                visit(holds[slug])
        visiting.discard(path)
        ordered.append(path)

    for path in paths:
        visit(path)
    return ordered


def load_agreement_file(path: str | Path) -> LoadReport:
    """Load the seed file at `path` into the database, all or nothing."""
    filename = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SeedError(filename, "", f"cannot read the file ({error.strerror})") from None
    except UnicodeDecodeError:
        raise SeedError(filename, "", "the file is not UTF-8 text") from None
    try:
        document = yaml.load(text, Loader=_SeedYamlLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SeedError(filename, where, f"not valid YAML ({getattr(error, 'problem', error)})") from None
    loader = _Loader(filename)
    with transaction.atomic():
        loader.load(document)
    return loader.report


# --- export: the same format, written back ------------------------------------------


def _recorded(entry: StatusUpdate | Claim | DeadlineChange, with_recorders: bool) -> dict:
    values = {"recorded_at": entry.recorded_at.astimezone(dt.UTC).isoformat()}
    if with_recorders and entry.recorded_by_id:
        values["recorded_by"] = entry.recorded_by.get_username()
    review = _omit_empty(
        {
            "state": entry.review_state if not entry.is_published() else None,
            "via": entry.published_via,
            "reviewed_at": entry.reviewed_at.astimezone(dt.UTC).isoformat() if entry.reviewed_at else None,
            "reviewed_by": entry.reviewed_by.get_username() if with_recorders and entry.reviewed_by_id else None,
            "comment": entry.review_comment if with_recorders else None,
        }
    )
    # A seed file's own entries are published sourced facts: the loader's default, left unwritten.
    if review and review != {"via": PublishedVia.SEED}:
        values["review"] = review
    return values


def _omit_empty(values: dict, keep: tuple[str, ...] = ()) -> dict:
    """Return `values` without the empty ones, except those named in `keep` (required fields)."""
    return {name: value for name, value in values.items() if name in keep or value not in (None, "", [])}


def _parties_cited_nowhere() -> models.QuerySet:
    """Return the parties nothing refers to: no agreement, commitment (responsible or
    supervising), deadline change, claim, speaker or source's publisher."""
    return Party.objects.filter(
        agreements_signed=None,
        commitments=None,
        commitments_supervised=None,
        deadline_changes_requested=None,
        deadline_changes_agreed=None,
        claims=None,
        speakers=None,
        affiliated_sources=None,
        incidents_as_actor1=None,
        incidents_as_actor2=None,
        incidents_with_actor1=None,
        incidents_with_actor2=None,
        incidents_alleged=None,
        incidents_alleged_against=None,
    ).distinct()


def _sources_cited_nowhere() -> models.QuerySet:
    """Return the sources no evidence, claim, deadline change or incident cites."""
    return Source.objects.filter(
        evidence=None, claims=None, deadline_changes=None, incident_evidence=None, casualty_reports=None
    ).distinct()


def _speakers_cited_nowhere() -> models.QuerySet:
    """Return the speakers no claim or piece of evidence names."""
    return Speaker.objects.filter(claims=None, evidence=None, incident_evidence=None).select_related("party").distinct()


def _speaker_order(speaker: Speaker) -> tuple:
    """Speakers in the order of their content (what identifies them on loading), not of database ids."""
    return (speaker.name, speaker.role, speaker.party.slug)


def _speaker_keys(speakers: Iterable[Speaker]) -> dict[int, str]:
    """Return a key for each speaker made of their name ("sergei-lavrov"; "sergei-lavrov-2" for a
    second speaker of that name), so the same speakers get the same keys in any database."""
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for speaker in sorted(speakers, key=_speaker_order):
        base = slugify(speaker.name) or "speaker"
        key, number = base, 1
        while key in taken:
            number += 1
            key = f"{base}-{number}"
        taken.add(key)
        keys[speaker.pk] = key
    return keys


def _incident_order(incident: Incident) -> tuple:
    """Incidents in the order of their content and recording (what identifies them on loading), not of ids."""
    return (incident.occurred_on, incident.location, incident.sub_event_type, incident.recorded_at)


def _incident_keys(incidents: Iterable[Incident]) -> dict[int, str]:
    """Return a key for each incident made of its date and place ("2022-12-12-lachin-corridor"), numbered
    in content order where two would share one, so the same incidents get the same keys in any database."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    for incident in sorted(incidents, key=_incident_order):
        base = f"{incident.occurred_on.isoformat()}-{slugify(incident.location) or 'incident'}"
        key, number = base, 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        keys[incident.pk] = key
    return keys


def _source_order(source: Source) -> tuple:
    """Sources in the order of their content (what identifies them on loading), not of database ids."""
    return (source.published_on, source.publisher, source.title, source.url)


def _source_keys(sources: Iterable[Source]) -> dict[int, str]:
    """Return a key for each source made of its publisher and date, as seed files name them
    ("tass-2020-12-01", "tass-2020-11" for a month); the same sources get the same keys in any
    database. Sources that would share a key are numbered in content order ("-2", "-3")."""
    keys: dict[int, str] = {}
    used: set[str] = set()
    for source in sorted(sources, key=_source_order):
        date = {
            Source.DatePrecision.YEAR: f"{source.published_on:%Y}",
            Source.DatePrecision.MONTH: f"{source.published_on:%Y-%m}",
        }.get(source.published_on_precision, source.published_on.isoformat())
        base = f"{slugify(source.publisher, allow_unicode=True) or 'source'}-{date}"
        key, number = base, 1
        while key in used:
            number += 1
            key = f"{base}-{number}"
        used.add(key)
        keys[source.pk] = key
    return keys


def export_agreement(agreement: Agreement, with_recorders: bool = True, include_drafts: bool = False) -> dict:
    """Return `agreement` and everything recorded about it as a seed document (format 1).

    Loading the result into an empty database with load_agreement rebuilds it, and exporting
    it again there gives the same document, byte for byte: sources are keyed and ordered by
    their content, not by database ids, and the parties and sources that nothing cites yet
    come along. User accounts are not included: who recorded an entry is written as a username and
    restored where an account with that name exists; with_recorders=False leaves it out
    (the public download: monitors' usernames are half of an admin login, and in a
    conflict a monitor's identity can be a safety risk). Only published entries are written unless
    `include_drafts` (the monitors' export_agreement command: drafts keep their review state, so a
    round trip loses nothing); the public download never includes them.
    """

    def kept(manager) -> list:
        return list(manager.all()) if include_drafts else published_only(manager.all())

    commitments = list(
        Commitment.objects.filter(provision__agreement=agreement)
        .select_related("provision")
        .prefetch_related(
            "responsible_parties",
            "supervising_bodies",
            "deadline_changes__agreed_by",
            "deadline_changes__requested_by",
            "deadline_changes__announced_by",
            "version_deadlines__text",
            "deadline_changes__source",
            "deadline_changes__recorded_by",
            "deadline_changes__reviewed_by",
            "status_updates__evidence__source__affiliated_party",
            "status_updates__evidence__speaker__party",
            "status_updates__corrects",
            "status_updates__recorded_by",
            "status_updates__incidents",
            "status_updates__reviewed_by",
            "claims__party",
            "claims__speaker__party",
            "claims__source__affiliated_party",
            "claims__corrects__speaker",
            "claims__recorded_by",
            "claims__reviewed_by",
        )
        .select_related("deadline_event")
        .order_by("provision__position", "id")
    )
    incidents = sorted(
        (Incident.objects if include_drafts else Incident.objects.published())
        .filter(agreement=agreement)
        .select_related("actor1", "actor2", "alleged_by", "alleged_against")
        .prefetch_related(
            "assoc_actors_1",
            "assoc_actors_2",
            "commitments",
            "evidence__source__affiliated_party",
            "evidence__speaker__party",
            "casualty_reports__source__affiliated_party",
            "recorded_by",
        ),
        key=_incident_order,
    )
    events = list(agreement.events.select_related("source__affiliated_party").order_by("code"))
    links = list(agreement.links_out.select_related("to_agreement").prefetch_related("provisions", "by_provisions"))
    # What no agreement cites (listed in a seed but not yet used) travels with every agreement,
    # so that exporting and loading into an empty database loses nothing.
    parties: dict[int, Party] = {party.pk: party for party in [*agreement.signatories.all(), *_parties_cited_nowhere()]}
    sources: dict[int, Source] = {source.pk: source for source in _sources_cited_nowhere()}
    speakers: dict[int, Speaker] = {speaker.pk: speaker for speaker in _speakers_cited_nowhere()}
    for commitment in commitments:
        parties.update((party.pk, party) for party in commitment.responsible_parties.all())
        parties.update((party.pk, party) for party in commitment.supervising_bodies.all())
        for change in kept(commitment.deadline_changes):
            parties.update((party.pk, party) for party in change.agreed_by.all())
            for party in (change.requested_by, change.announced_by):
                if party:
                    parties[party.pk] = party
            sources[change.source.pk] = change.source
        for update in kept(commitment.status_updates):
            sources.update((item.source.pk, item.source) for item in update.evidence.all())
            speakers.update((item.speaker.pk, item.speaker) for item in update.evidence.all() if item.speaker)
        for claim in kept(commitment.claims):
            parties[claim.party.pk] = claim.party
            sources[claim.source.pk] = claim.source
            speakers[claim.speaker.pk] = claim.speaker
    for incident in incidents:
        for party in [incident.actor1, incident.actor2, incident.alleged_by, incident.alleged_against]:
            if party:
                parties[party.pk] = party
        parties.update((party.pk, party) for party in incident.assoc_actors_1.all())
        parties.update((party.pk, party) for party in incident.assoc_actors_2.all())
        sources.update((item.source.pk, item.source) for item in incident.evidence.all())
        sources.update((report.source.pk, report.source) for report in incident.casualty_reports.all())
        speakers.update((item.speaker.pk, item.speaker) for item in incident.evidence.all() if item.speaker)
    for event in events:
        if event.source:
            sources[event.source.pk] = event.source
    for source in sources.values():
        if source.affiliated_party:
            parties[source.affiliated_party.pk] = source.affiliated_party
    for speaker in speakers.values():
        parties[speaker.party.pk] = speaker.party

    source_keys = _source_keys(sources.values())

    def source_key(source: Source) -> str:
        return source_keys[source.pk]

    speaker_keys = _speaker_keys(speakers.values())

    def speaker_key(speaker: Speaker) -> str:
        return speaker_keys[speaker.pk]

    incident_keys = _incident_keys(incidents)

    def evidence_entry(item: Evidence | IncidentEvidence) -> dict:
        return _omit_empty(
            {
                "source": source_key(item.source),
                "quote": item.quote,
                "verbatim": item.is_verbatim,
                "speech": item.speech_kind,
                "speaker": speaker_key(item.speaker) if item.speaker else None,
            }
        )

    def incident_entry(incident: Incident) -> dict:
        return _omit_empty(
            {
                "key": incident_keys[incident.pk],
                "occurred_on": incident.occurred_on.isoformat(),
                "time_precision": incident.time_precision,
                "occurred_at": incident.occurred_at.astimezone(dt.UTC).isoformat() if incident.occurred_at else None,
                "ended_on": incident.ended_on.isoformat() if incident.ended_on else None,
                "location": incident.location,
                "admin3": incident.admin3,
                "admin2": incident.admin2,
                "admin1": incident.admin1,
                "country": incident.country,
                "latitude": float(incident.latitude) if incident.latitude is not None else None,
                "longitude": float(incident.longitude) if incident.longitude is not None else None,
                "geo_precision": incident.geo_precision,
                "event_type": incident.event_type,
                "sub_event_type": incident.sub_event_type,
                "actor1": incident.actor1.slug if incident.actor1 else None,
                "assoc_actors_1": sorted(party.slug for party in incident.assoc_actors_1.all()),
                "actor2": incident.actor2.slug if incident.actor2 else None,
                "assoc_actors_2": sorted(party.slug for party in incident.assoc_actors_2.all()),
                "alleged_by": incident.alleged_by.slug if incident.alleged_by else None,
                "alleged_against": incident.alleged_against.slug if incident.alleged_against else None,
                "summary": incident.summary,
                "commitments": sorted(commitment.code for commitment in incident.commitments.all()),
                "casualties": [
                    _omit_empty(
                        {
                            "kind": report.kind,
                            "group": report.group,
                            "minimum": report.minimum,
                            "maximum": report.maximum,
                            "source": source_key(report.source),
                            "quote": report.quote,
                        }
                    )
                    for report in sorted(incident.casualty_reports.all(), key=lambda report: report.pk)
                ],
                "evidence": [evidence_entry(item) for item in sorted(incident.evidence.all(), key=lambda i: i.pk)],
                **_recorded(incident, with_recorders),
            }
        )

    def commitment_entry(commitment: Commitment) -> dict:
        deadline = _omit_empty(
            {
                "kind": commitment.deadline_kind,
                "date": commitment.deadline_date.isoformat() if commitment.deadline_date else None,
                "event": commitment.deadline_event.code if commitment.deadline_event else None,
                "months": commitment.period_months,
                "days": commitment.period_days,
                "term_months": commitment.term_months,
                "notice_months": commitment.notice_months,
            }
        )
        changes = [
            _omit_empty(
                {
                    "new_deadline": change.new_deadline.isoformat(),
                    "decided_on": change.decided_on.isoformat(),
                    "requested_by": change.requested_by.slug if change.requested_by else None,
                    "agreed_by": [party.slug for party in change.agreed_by.all()],
                    "announced_by": change.announced_by.slug if change.announced_by else None,
                    "reason": change.reason,
                    "source": source_key(change.source),
                    "quote": change.quote,
                    **_recorded(change, with_recorders),
                },
                keep=("agreed_by",),  # required: "agreed_by: []" says no source names who agreed
            )
            for change in sorted(kept(commitment.deadline_changes), key=lambda change: (change.decided_on, change.pk))
        ]
        # Oldest recorded first, so a correction follows the entry it corrects.
        updates = [
            _omit_empty(
                {
                    "status": update.status,
                    "as_of": update.as_of.isoformat(),
                    "as_of_precision": update.as_of_precision,
                    "summary": update.summary,
                    "corrects": {
                        "status": update.corrects.status,
                        "as_of": update.corrects.as_of.isoformat(),
                        "recorded_at": update.corrects.recorded_at.astimezone(dt.UTC).isoformat(),
                    }
                    if update.corrects
                    else None,
                    "correction_reason": update.correction_reason,
                    "incidents": sorted(
                        incident_keys[incident.pk]
                        for incident in update.incidents.all()
                        if incident.pk in incident_keys
                    ),
                    "evidence": [
                        _omit_empty(
                            {
                                "source": source_key(item.source),
                                "quote": item.quote,
                                "verbatim": item.is_verbatim,
                                "speech": item.speech_kind,
                                "speaker": speaker_key(item.speaker) if item.speaker else None,
                            }
                        )
                        for item in sorted(update.evidence.all(), key=lambda item: item.pk)
                    ],
                    **_recorded(update, with_recorders),
                }
            )
            for update in sorted(kept(commitment.status_updates), key=lambda update: (update.recorded_at, update.pk))
        ]
        claims = [
            _omit_empty(
                {
                    "party": claim.party.slug,
                    "speaker": speaker_key(claim.speaker),
                    "speech": claim.speech_kind,
                    "stated_on": claim.stated_on.isoformat(),
                    "stated_on_precision": claim.stated_on_precision,
                    "position": claim.position,
                    "summary": claim.summary,
                    "source": source_key(claim.source),
                    "quote": claim.quote,
                    "verbatim": None if claim.is_verbatim else False,
                    "corrects": {
                        "speaker": speaker_key(claim.corrects.speaker),
                        "stated_on": claim.corrects.stated_on.isoformat(),
                        "position": claim.corrects.position,
                        "recorded_at": claim.corrects.recorded_at.astimezone(dt.UTC).isoformat(),
                    }
                    if claim.corrects
                    else None,
                    "correction_reason": claim.correction_reason,
                    **_recorded(claim, with_recorders),
                }
            )
            for claim in sorted(kept(commitment.claims), key=lambda claim: (claim.recorded_at, claim.pk))
        ]
        return _omit_empty(
            {
                "code": commitment.code,
                "title": commitment.title,
                "description": commitment.description,
                "responsible": sorted(party.slug for party in commitment.responsible_parties.all()),
                "supervising": sorted(party.slug for party in commitment.supervising_bodies.all()),
                "category": commitment.category,
                "deadline": deadline,
                "version_deadlines": [
                    {"text": version.text.label, "wording": version.wording, "date": version.deadline_date.isoformat()}
                    for version in sorted(commitment.version_deadlines.all(), key=lambda version: version.text.label)
                ],
                "deadline_changes": changes,
                "status_updates": updates,
                "claims": claims,
            }
        )

    provisions = []
    for provision in agreement.provisions.order_by("position"):
        entries = [commitment_entry(c) for c in commitments if c.provision_id == provision.pk]
        provisions.append(
            _omit_empty(
                {
                    "number": provision.number,
                    "text": provision.text,
                    "text_variants": provision.text_variants,
                    "commitments": entries,
                }
            )
        )
    return {
        "format": 1,
        "parties": [
            _omit_empty({"slug": p.slug, "name": p.name, "short_name": p.short_name, "kind": p.kind})
            for p in sorted(parties.values(), key=lambda party: party.slug)
        ],
        "speakers": [
            _omit_empty(
                {"key": speaker_key(speaker), "name": speaker.name, "role": speaker.role, "party": speaker.party.slug}
            )
            for speaker in sorted(speakers.values(), key=_speaker_order)
        ],
        "sources": [
            _omit_empty(
                {
                    "key": source_key(source),
                    "publisher": source.publisher,
                    "title": source.title,
                    "author": source.author,
                    "published_on": source.published_on.isoformat(),
                    "published_on_precision": source.published_on_precision,
                    "language": source.language,
                    "url": source.url,
                    **({"archive_url": source.archive_url} if source.archive_url else {}),
                    "kind": source.kind,
                    "notes": source.notes,
                    "affiliated_party": source.affiliated_party.slug if source.affiliated_party else None,
                }
            )
            for source in sorted(sources.values(), key=_source_order)
        ],
        "agreement": _omit_empty(
            {
                "slug": agreement.slug,
                "title": agreement.title,
                "short_title": agreement.short_title,
                "summary": agreement.summary,
                "signatories": sorted(party.slug for party in agreement.signatories.all()),
                "signed_on": agreement.signed_on.isoformat(),
                "time_zone": agreement.time_zone,
                "entry_into_force": agreement.entry_into_force_local().replace(tzinfo=None).isoformat()
                if agreement.entry_into_force_time_known
                else agreement.entry_into_force_date().isoformat(),
                "texts": [
                    _omit_empty(
                        {
                            "label": text.label,
                            "publisher": text.publisher,
                            "url": text.url,
                            "language": text.language,
                            "is_quoted": text.is_quoted or None,
                            "notes": text.notes,
                        }
                    )
                    for text in agreement.texts.order_by("id")
                ],
                "events": [
                    _omit_empty(
                        {
                            "code": event.code,
                            "name": event.name,
                            "occurred_on": event.occurred_on.isoformat() if event.occurred_on else None,
                            "source": source_key(event.source) if event.source else None,
                            "quote": event.quote,
                            "verbatim": None if event.is_verbatim else False,
                        }
                    )
                    for event in events
                ],
                "links": [
                    _omit_empty(
                        {
                            "kind": link.kind,
                            "agreement": link.to_agreement.slug,
                            "provisions": [p.number for p in sorted(link.provisions.all(), key=lambda p: p.position)],
                            "by_provisions": [
                                p.number for p in sorted(link.by_provisions.all(), key=lambda p: p.position)
                            ],
                            "note": link.note,
                        }
                    )
                    for link in sorted(links, key=lambda link: (link.to_agreement.slug, link.kind))
                ],
            }
        ),
        "provisions": provisions,
        "incidents": [incident_entry(incident) for incident in incidents],
    }


def dump_seed(document: dict) -> str:
    """Return a seed document as YAML text, Unicode names intact."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)

"""What the read-only API shows of each model. Derived states come from the models' rules,
evaluated at the `now` the view passes in the serializer context."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

from django.db import models
from django.db.models import Value
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments import search
from commitments.models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
    AgreementLinkView,
    AgreementText,
    CasualtyReport,
    Claim,
    Commitment,
    DeadlineChange,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Provision,
    Source,
    SourceCheck,
    SourceSnapshot,
    Speaker,
    StatusUpdate,
    Support,
    Term,
    Verification,
    VersionDeadline,
    VersionOutcome,
    support_label,
)


class MethodResultMixin:
    """A read-only field whose source is a model method taking no arguments: it calls the method.
    (DRF's own lookup inspects the method's signature first, for every row, which cost the list of
    commitments more than the methods themselves.)"""

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


class MethodDateField(MethodResultMixin, serializers.DateField):
    pass


class MethodIntegerField(MethodResultMixin, serializers.IntegerField):
    pass


class MethodBooleanField(MethodResultMixin, serializers.BooleanField):
    pass


class PageUrlField(MethodResultMixin, serializers.CharField):
    """The absolute address of the object's page on the site."""

    def __init__(self, **kwargs) -> None:
        super().__init__(source="get_absolute_url", read_only=True, **kwargs)

    def to_representation(self, value: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request else value


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Party
        fields = ["slug", "name", "short_name", "kind"]


class LinkCheckSerializer(serializers.ModelSerializer):
    """The latest check of a link: what was found, when; where a redirect led."""

    class Meta:
        model = SourceCheck
        fields = ["outcome", "checked_at", "status_code", "final_url"]


class SnapshotFingerprintSerializer(serializers.ModelSerializer):
    """A stored copy's fingerprint (the file itself is not public: SOURCE_SNAPSHOTS_PUBLIC)."""

    class Meta:
        model = SourceSnapshot
        fields = ["sha256", "size", "content_type", "captured_at"]


class SpeakerSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Speaker
        fields = ["id", "name", "role", "party"]


class SupportSerializer(serializers.Serializer):
    """How well an assessment is supported: independent sources, and whether any is independent of the parties."""

    level = serializers.ChoiceField(choices=Support.choices)
    count = serializers.IntegerField(help_text="How many independent sources support it.")
    has_independent_source = serializers.BooleanField(help_text="Whether any source is independent of the parties.")
    label = serializers.CharField()


class TermSerializer(serializers.Serializer):
    """One term of a renewable commitment."""

    number = serializers.IntegerField()
    starts_on = serializers.DateField()
    expires_on = serializers.DateField()
    notice_by = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True, help_text="The day it ended early, if it ended in this term.")
    notice_reached = serializers.BooleanField()
    expiry_reached = serializers.BooleanField()


class SourceSerializer(serializers.ModelSerializer):
    page_url = serializers.SerializerMethodField()
    link_check = serializers.SerializerMethodField(help_text="The latest check of `url`; null if never checked.")
    archive_check = serializers.SerializerMethodField(
        help_text="The latest check of `archive_url`; null if never checked."
    )
    snapshot = serializers.SerializerMethodField(help_text="The latest stored copy's fingerprint; null if none.")
    affiliated_party = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The party the publisher speaks for, if any."
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "publisher",
            "title",
            "author",
            "published_on",
            "published_on_precision",
            "language",
            "url",
            "archive_url",
            "link_check",
            "archive_check",
            "snapshot",
            "kind",
            "notes",
            "affiliated_party",
            "page_url",
        ]

    @extend_schema_field(LinkCheckSerializer(allow_null=True))
    def get_link_check(self, source: Source) -> dict | None:
        check = source.latest_url_check
        return LinkCheckSerializer(check).data if check else None

    @extend_schema_field(LinkCheckSerializer(allow_null=True))
    def get_archive_check(self, source: Source) -> dict | None:
        check = source.latest_archive_check
        return LinkCheckSerializer(check).data if check else None

    @extend_schema_field(SnapshotFingerprintSerializer(allow_null=True))
    def get_snapshot(self, source: Source) -> dict | None:
        snapshot = source.latest_snapshot()
        return SnapshotFingerprintSerializer(snapshot).data if snapshot else None

    def get_page_url(self, source: Source) -> str:
        path = reverse("dashboard:source_detail", args=[source.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AgreementTextSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgreementText
        fields = ["label", "publisher", "url", "language", "is_quoted", "notes"]


class AgreementEventSerializer(serializers.ModelSerializer):
    """Something the agreement's deadlines count from; occurred_on and source are null until it is recorded as held."""

    class Meta:
        model = AgreementEvent
        fields = ["code", "name", "occurred_on", "source", "quote", "is_verbatim"]


class AgreementLinkSerializer(serializers.Serializer):
    """A link to another agreement, worded from this agreement's side."""

    kind = serializers.ChoiceField(choices=AgreementLink.Kind.choices, source="link.kind")
    direction = serializers.SerializerMethodField(help_text="outgoing: this agreement implements (amends…) the other.")
    label = serializers.CharField(help_text="implements, implemented by, amends, amended by…")
    agreement = serializers.SerializerMethodField(help_text="The other agreement's slug.")
    provisions = serializers.SerializerMethodField(help_text="This agreement's points the link bears on (empty: all).")
    other_provisions = serializers.SerializerMethodField(
        help_text="The other agreement's points the link bears on (empty: all)."
    )
    note = serializers.CharField(source="link.note")

    def get_agreement(self, view: AgreementLinkView) -> str:
        return view.other.slug

    def get_direction(self, view: AgreementLinkView) -> str:
        return "outgoing" if view.outgoing else "incoming"

    def get_provisions(self, view: AgreementLinkView) -> list[str]:
        return [provision.number for provision in view.own_provisions]

    def get_other_provisions(self, view: AgreementLinkView) -> list[str]:
        return [provision.number for provision in view.other_provisions]


class AgreementSerializer(serializers.ModelSerializer):
    signatories = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    texts = AgreementTextSerializer(many=True, read_only=True)
    events = AgreementEventSerializer(many=True, read_only=True)
    links = serializers.SerializerMethodField()
    page_url = PageUrlField()

    @extend_schema_field(AgreementLinkSerializer(many=True))
    def get_links(self, agreement: Agreement) -> list[dict]:
        """Links to other agreements, both ways."""
        return AgreementLinkSerializer(agreement.links(), many=True).data

    class Meta:
        model = Agreement
        fields = [
            "slug",
            "title",
            "short_title",
            "summary",
            "signatories",
            "signed_on",
            "time_zone",
            "entry_into_force",
            "entry_into_force_time_known",
            "texts",
            "events",
            "links",
            "page_url",
        ]


class ProvisionSerializer(serializers.ModelSerializer):
    agreement = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    commitments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Provision
        fields = ["id", "agreement", "number", "position", "text", "text_variants", "commitments"]


class DeadlineChangeSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agreed_by = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    announced_by = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = DeadlineChange
        fields = [
            "previous_deadline",
            "new_deadline",
            "decided_on",
            "requested_by",
            "agreed_by",
            "announced_by",
            "reason",
            "source",
            "quote",
            "recorded_at",
            "published_via",
            "reviewed_at",
        ]


class VersionDeadlineSerializer(serializers.Serializer):
    """The deadline as one published version of the text words it, and the outcome under it."""

    text = serializers.CharField(source="text.label")
    is_quoted = serializers.BooleanField()
    wording = serializers.CharField()
    deadline = serializers.DateField()
    outcome = serializers.CharField(source="verdict", help_text="on time, N days late, overdue or not yet due")


# DRF's own conversions of dates, instants and booleans, for the rows CommitmentSerializer.row() builds.
DATE = serializers.DateField()
DATETIME = serializers.DateTimeField()
BOOLEAN = serializers.BooleanField()


def date_value(value: dt.date | None) -> str | None:
    return None if value is None else DATE.to_representation(value)


def datetime_value(value: dt.datetime | None) -> str | None:
    return None if value is None else DATETIME.to_representation(value)


@dataclass(frozen=True)
class CommitmentRelations:
    """What the API shows of some commitments' related records, read for all of them in at most
    three queries (instead of five prefetches, which also built a related manager and a queryset
    per row), as plain values in the order the prefetches gave (parties by name, published
    deadline changes by decision date): responsible parties' and supervising bodies' slugs,
    version deadlines with their texts, and the published deadline changes as the API shows them."""

    responsible_parties: dict[int, list[str]]
    supervising_bodies: dict[int, list[str]]
    version_deadlines: dict[int, list[VersionDeadline]]
    deadline_changes: dict[int, list[dict]]

    @classmethod
    def read(cls, commitments: list[Commitment]) -> CommitmentRelations:
        ids = [commitment.pk for commitment in commitments]
        if not ids:
            return cls({}, {}, {}, {})
        versions = defaultdict(list)
        # Only those that have any, where the query says so (has_version_deadlines): most have none.
        with_versions = [c.pk for c in commitments if getattr(c, "has_version_deadlines", True)]
        if with_versions:
            for version in (
                VersionDeadline.objects.filter(commitment_id__in=with_versions)
                .select_related("text")
                .order_by("-text__is_quoted", "text__label")
            ):
                versions[version.commitment_id].append(version)
        responsible_parties, supervising_bodies = cls.read_parties(ids)
        return cls(
            responsible_parties=responsible_parties,
            supervising_bodies=supervising_bodies,
            version_deadlines=versions,
            deadline_changes=cls.read_deadline_changes(ids),
        )

    @staticmethod
    def read_parties(ids: list[int]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
        """Return the slugs of each commitment's responsible parties and of its supervising bodies,
        by name (the parties' order), read in one query."""
        responsible = Commitment.responsible_parties.through.objects.filter(commitment_id__in=ids)
        supervising = Commitment.supervising_bodies.through.objects.filter(commitment_id__in=ids)
        columns = ["commitment_id", "supervises", "party__slug", "party__name"]
        rows = (
            responsible.annotate(supervises=Value(False))
            .values_list(*columns)
            .union(supervising.annotate(supervises=Value(True)).values_list(*columns), all=True)
            .order_by("party__name")
        )
        responsible_parties, supervising_bodies = defaultdict(list), defaultdict(list)
        for commitment_id, supervises, slug, _name in rows:
            (supervising_bodies if supervises else responsible_parties)[commitment_id].append(slug)
        return responsible_parties, supervising_bodies

    @staticmethod
    def read_deadline_changes(ids: list[int]) -> dict[int, list[dict]]:
        """Return each commitment's published deadline changes as DeadlineChangeSerializer shows
        them, read in one query: a row per party that agreed a change (by name, the parties'
        order), or one row for a change no party is recorded to have agreed."""
        rows = (
            DeadlineChange.objects.published()
            .filter(commitment_id__in=ids)
            .order_by("decided_on", "id", "agreed_by__name")
            .values_list(
                "id",
                "commitment_id",
                "previous_deadline",
                "new_deadline",
                "decided_on",
                "requested_by__slug",
                "agreed_by__slug",
                "announced_by__slug",
                "reason",
                "source_id",
                "quote",
                "recorded_at",
                "published_via",
                "reviewed_at",
            )
        )
        changes, agreed_by = defaultdict(list), {}
        for (
            change_id,
            commitment_id,
            previous_deadline,
            new_deadline,
            decided_on,
            requested_by,
            agreeing_party,
            announced_by,
            reason,
            source_id,
            quote,
            recorded_at,
            published_via,
            reviewed_at,
        ) in rows:
            if change_id not in agreed_by:
                agreed_by[change_id] = []
                changes[commitment_id].append(
                    {
                        "previous_deadline": date_value(previous_deadline),
                        "new_deadline": date_value(new_deadline),
                        "decided_on": date_value(decided_on),
                        "requested_by": requested_by,
                        "agreed_by": agreed_by[change_id],
                        "announced_by": announced_by,
                        "reason": reason,
                        "source": source_id,
                        "quote": quote,
                        "recorded_at": datetime_value(recorded_at),
                        "published_via": published_via,
                        "reviewed_at": datetime_value(reviewed_at),
                    }
                )
            if agreeing_party is not None:
                agreed_by[change_id].append(agreeing_party)
        return changes


class PageUrls:
    """The addresses of commitments' pages (Commitment.get_absolute_url(), absolute when there is a
    request) for a whole list: reversed once for a stand-in id, which each row's id replaces
    (reverse() took 50 µs a row, more than the rest of the row)."""

    STAND_IN = "9070605040302010"

    def __init__(self, request) -> None:
        path = Commitment(pk=int(self.STAND_IN)).get_absolute_url()
        address = request.build_absolute_uri(path) if request else path
        self.before, _, self.after = address.rpartition(self.STAND_IN)

    def __call__(self, pk: int) -> str:
        return f"{self.before}{pk}{self.after}"


class CommitmentListSerializer(serializers.ListSerializer):
    """Commitments' rows (CommitmentSerializer.row), their related records read for the whole list
    at once (CommitmentRelations) rather than prefetched into each instance."""

    def to_representation(self, data) -> list[dict]:
        commitments = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        relations = CommitmentRelations.read(commitments)
        page_urls = PageUrls(self.context.get("request"))
        return [self.child.row(commitment, relations, page_urls) for commitment in commitments]


class CommitmentSerializer(serializers.ModelSerializer):
    """The fields declared here are the API's contract: the schema, and the reference that row()
    is tested against (it builds what they give, without DRF's per-field machinery)."""

    agreement = serializers.SlugRelatedField(source="provision.agreement", slug_field="slug", read_only=True)
    provision_number = serializers.CharField(source="provision.number", read_only=True)
    responsible_parties = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    supervising_bodies = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    original_deadline = MethodDateField(read_only=True, allow_null=True)
    deadline_changes = DeadlineChangeSerializer(many=True, read_only=True)
    is_overdue = serializers.SerializerMethodField()
    days_overdue = serializers.SerializerMethodField()
    is_due_soon = serializers.SerializerMethodField()
    is_disputed = serializers.BooleanField(read_only=True)
    is_contested = serializers.BooleanField(read_only=True)
    days_late = MethodIntegerField(read_only=True, allow_null=True)
    fulfilled_on = MethodDateField(read_only=True, allow_null=True)
    fulfilled_on_precision = serializers.CharField(source="fulfilled_precision", read_only=True)
    met_extended_deadline = MethodBooleanField(read_only=True)
    status_as_of = serializers.DateField(read_only=True, allow_null=True)
    current_support = serializers.SerializerMethodField()
    term_expiry = serializers.SerializerMethodField()
    notice_deadline = serializers.SerializerMethodField()
    terms = serializers.SerializerMethodField()
    deadline_event = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The event a deadline after an event counts from."
    )
    deadline_pending = serializers.SerializerMethodField(
        help_text="For a deadline after an event not yet recorded as held: 'one month after: the working group's "
        "first meeting'. The commitment is then neither overdue nor due soon."
    )
    version_deadlines = serializers.SerializerMethodField()
    page_url = PageUrlField()

    class Meta:
        model = Commitment
        list_serializer_class = CommitmentListSerializer
        fields = [
            "id",
            "agreement",
            "provision",
            "provision_number",
            "code",
            "title",
            "description",
            "category",
            "responsible_parties",
            "supervising_bodies",
            "deadline_kind",
            "deadline_date",
            "period_months",
            "period_days",
            "deadline_event",
            "deadline_pending",
            "term_months",
            "notice_months",
            "original_deadline",
            "version_deadlines",
            "deadline_in_force",
            "deadline_ends_at",
            "deadline_changes",
            "current_status",
            "status_as_of",
            "current_support",
            "fulfilled_at",
            "fulfilled_on",
            "fulfilled_on_precision",
            "days_late",
            "met_extended_deadline",
            "is_overdue",
            "days_overdue",
            "is_due_soon",
            "is_disputed",
            "is_contested",
            "term_expiry",
            "notice_deadline",
            "terms",
            "page_url",
        ]

    @property
    def now(self) -> dt.datetime:
        return self.context["now"]

    def to_representation(self, commitment: Commitment) -> dict:
        return self.row(commitment, CommitmentRelations.read([commitment]), PageUrls(self.context.get("request")))

    def row(self, commitment: Commitment, relations: CommitmentRelations, page_urls: PageUrls) -> dict:
        """Return the commitment as the fields declared above represent it, built directly: DRF's
        per-field machinery cost the list more than the rules it calls. A test compares the two
        (ModelSerializer.to_representation) key by key, in order."""
        now = self.now
        agreement = commitment.agreement
        today = agreement.local_today(now)
        pk = commitment.pk
        event = commitment.deadline_event
        return {
            "id": pk,
            "agreement": agreement.slug,
            "provision": commitment.provision_id,
            "provision_number": str(commitment.provision.number),
            "code": commitment.code,
            "title": commitment.title,
            "description": commitment.description,
            "category": commitment.category,
            "responsible_parties": relations.responsible_parties.get(pk, []),
            "supervising_bodies": relations.supervising_bodies.get(pk, []),
            "deadline_kind": commitment.deadline_kind,
            "deadline_date": date_value(commitment.deadline_date),
            "period_months": commitment.period_months,
            "period_days": commitment.period_days,
            "deadline_event": None if event is None else event.code,
            "deadline_pending": self.get_deadline_pending(commitment),
            "term_months": commitment.term_months,
            "notice_months": commitment.notice_months,
            "original_deadline": date_value(commitment.original_deadline()),
            "version_deadlines": [
                version_outcome_row(outcome)
                for outcome in commitment.version_outcomes(now, relations.version_deadlines.get(pk, []))
            ],
            "deadline_in_force": date_value(commitment.deadline_in_force),
            "deadline_ends_at": datetime_value(commitment.deadline_ends_at),
            "deadline_changes": relations.deadline_changes.get(pk, []),
            "current_status": commitment.current_status,
            "status_as_of": date_value(commitment.status_as_of),
            "current_support": self.get_current_support(commitment),
            "fulfilled_at": datetime_value(commitment.fulfilled_at),
            "fulfilled_on": date_value(commitment.fulfilled_on()),
            "fulfilled_on_precision": commitment.fulfilled_precision,
            "days_late": commitment.days_late(),
            "met_extended_deadline": BOOLEAN.to_representation(commitment.met_extended_deadline()),
            "is_overdue": commitment.is_overdue(now),
            "days_overdue": commitment.days_overdue(now),
            "is_due_soon": commitment.is_due_soon(now),
            "is_disputed": BOOLEAN.to_representation(commitment.is_disputed),
            "is_contested": BOOLEAN.to_representation(commitment.is_contested),
            "term_expiry": commitment.term_expiry(today),
            "notice_deadline": commitment.notice_deadline(today),
            "terms": [term_row(term) for term in commitment.terms(today)],
            "page_url": page_urls(pk),
        }

    # One list serializer for every row's terms and versions' deadlines: a new one per row
    # copied its fields each time.
    @cached_property
    def term_list(self) -> serializers.ListSerializer:
        return TermSerializer(many=True)

    @cached_property
    def version_deadline_list(self) -> serializers.ListSerializer:
        return VersionDeadlineSerializer(many=True)

    def get_is_overdue(self, commitment: Commitment) -> bool:
        return commitment.is_overdue(self.now)

    def get_days_overdue(self, commitment: Commitment) -> int | None:
        return commitment.days_overdue(self.now)

    def get_is_due_soon(self, commitment: Commitment) -> bool:
        return commitment.is_due_soon(self.now)

    @extend_schema_field(SupportSerializer(allow_null=True))
    def get_current_support(self, commitment: Commitment) -> dict | None:
        """How well the current assessment is supported (None when not assessed)."""
        level = getattr(commitment, "current_support", None)
        if not level:
            return None
        count = commitment.current_support_count or 0
        return {
            "level": level,
            "count": count,
            "has_independent_source": level != Support.PARTY_SOURCES_ONLY,
            "label": support_label(level, count),
        }

    def get_deadline_pending(self, commitment: Commitment) -> str | None:
        event = commitment.pending_event()
        return f"{commitment.period_text()} after: {event.name}" if event else None

    @extend_schema_field(VersionDeadlineSerializer(many=True))
    def get_version_deadlines(self, commitment: Commitment) -> list[dict]:
        """The deadline in each published version of the text that words it differently (the tracker measures
        against the quoted one)."""
        return self.version_deadline_list.to_representation(commitment.version_outcomes(self.now))

    def get_term_expiry(self, commitment: Commitment) -> dt.date | None:
        return commitment.term_expiry(commitment.agreement.local_today(self.now))

    def get_notice_deadline(self, commitment: Commitment) -> dt.date | None:
        return commitment.notice_deadline(commitment.agreement.local_today(self.now))

    @extend_schema_field(TermSerializer(many=True))
    def get_terms(self, commitment: Commitment) -> list[dict]:
        """A renewable commitment's terms, from the first to the current one or the one in which it ended."""
        terms = commitment.terms(commitment.agreement.local_today(self.now))
        return self.term_list.to_representation(terms)


def version_outcome_row(outcome: VersionOutcome) -> dict:
    """Return an outcome as VersionDeadlineSerializer represents it."""
    return {
        "text": str(outcome.text.label),
        "is_quoted": BOOLEAN.to_representation(outcome.is_quoted),
        "wording": outcome.wording,
        "deadline": date_value(outcome.deadline),
        "outcome": str(outcome.verdict()),
    }


def term_row(term: Term) -> dict:
    """Return a term as TermSerializer represents it."""
    return {
        "number": term.number,
        "starts_on": date_value(term.starts_on),
        "expires_on": date_value(term.expires_on),
        "notice_by": date_value(term.notice_by),
        "ended_on": date_value(term.ended_on),
        "notice_reached": BOOLEAN.to_representation(term.notice_reached),
        "expiry_reached": BOOLEAN.to_representation(term.expiry_reached),
    }


class EvidenceSerializer(serializers.ModelSerializer):
    speaker = SpeakerSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = ["source", "quote", "is_verbatim", "speech_kind", "speaker"]


class StatusUpdateSerializer(serializers.ModelSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)
    is_corrected = serializers.BooleanField(read_only=True)
    support = serializers.SerializerMethodField()

    class Meta:
        model = StatusUpdate
        fields = [
            "id",
            "commitment",
            "status",
            "as_of",
            "as_of_precision",
            "summary",
            "support",
            "corrects",
            "correction_reason",
            "is_corrected",
            "recorded_at",
            "published_via",
            "reviewed_at",
            "evidence",
        ]

    @extend_schema_field(SupportSerializer)
    def get_support(self, update: StatusUpdate) -> dict:
        support = update.support()
        return {
            "level": support.level,
            "count": support.count,
            "has_independent_source": support.has_independent_source,
            "label": support.label,
        }


class ClaimSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    speaker = SpeakerSerializer(read_only=True)
    is_conflicting = serializers.BooleanField(read_only=True)
    is_contesting = serializers.BooleanField(read_only=True)

    class Meta:
        model = Claim
        fields = [
            "id",
            "commitment",
            "party",
            "speaker",
            "speech_kind",
            "stated_on",
            "stated_on_precision",
            "position",
            "summary",
            "source",
            "quote",
            "is_verbatim",
            "corrects",
            "correction_reason",
            "is_conflicting",
            "is_contesting",
            "recorded_at",
            "published_via",
            "reviewed_at",
        ]


class CasualtyReportSerializer(serializers.ModelSerializer):
    figure = serializers.CharField(read_only=True, help_text="As reported: a figure, a range (12–15) or unknown.")

    class Meta:
        model = CasualtyReport
        fields = ["kind", "group", "minimum", "maximum", "figure", "source", "quote"]


class IncidentEvidenceSerializer(serializers.ModelSerializer):
    speaker = SpeakerSerializer(read_only=True, allow_null=True)

    class Meta:
        model = IncidentEvidence
        fields = ["source", "quote", "is_verbatim", "speech_kind", "speaker"]


def party_slug(help_text: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True, help_text=help_text)


def party_slugs(help_text: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True, help_text=help_text)


def coordinate(help_text: str) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=8, decimal_places=5, coerce_to_string=False, allow_null=True, read_only=True, help_text=help_text
    )


class IncidentSerializer(serializers.ModelSerializer):
    """An incident of the incident log, in ACLED's terms, with the figures used and every report."""

    agreement = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    latitude = coordinate("WGS84 decimal degrees; null when not recorded.")
    longitude = coordinate("WGS84 decimal degrees; null when not recorded.")
    disorder_type = serializers.CharField(read_only=True, help_text="ACLED's disorder type.")
    actor1 = party_slug("ACLED's actor 1 (no direction implied).")
    assoc_actors_1 = party_slugs("Actors associated with actor 1.")
    actor2 = party_slug("ACLED's actor 2 (no direction implied).")
    assoc_actors_2 = party_slugs("Actors associated with actor 2.")
    alleged_by = party_slug("The party that alleges it; null when no party does.")
    alleged_against = party_slug("The party it is alleged against.")
    commitments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    verification = serializers.SerializerMethodField()
    fatalities = serializers.SerializerMethodField()
    injuries = serializers.SerializerMethodField()
    casualty_reports = CasualtyReportSerializer(many=True, read_only=True)
    evidence = IncidentEvidenceSerializer(many=True, read_only=True)
    page_url = PageUrlField()

    class Meta:
        model = Incident
        fields = [
            "id",
            "agreement",
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
            "disorder_type",
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
            "verification",
            "fatalities",
            "injuries",
            "casualty_reports",
            "evidence",
            "recorded_at",
            "page_url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Verification.choices))
    def get_verification(self, incident: Incident) -> str:
        """How well its sources verify it: alleged, corroborated or confirmed."""
        return getattr(incident, "verification_level", None) or incident.verification()

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0))
    def get_fatalities(self, incident: Incident) -> int | None:
        """The fatalities used: the lowest figure reported (ACLED's rule); null when unknown."""
        return incident.casualties().total(CasualtyReport.Kind.FATALITIES)

    @extend_schema_field(serializers.IntegerField(allow_null=True, min_value=0))
    def get_injuries(self, incident: Incident) -> int | None:
        """The injuries used: the lowest figure reported; null when unknown."""
        return incident.casualties().total(CasualtyReport.Kind.INJURIES)


class SearchHitSerializer(serializers.Serializer):
    """One search result."""

    kind = serializers.ChoiceField(choices=search.kind_choices())
    kind_label = serializers.CharField()
    object_id = serializers.IntegerField(help_text="The id of the record in its own list (commitments, claims…).")
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="HTML: the matching passage, escaped, the matched words in <mark>.")
    agreement = serializers.SerializerMethodField(
        help_text="The agreement's slug; null for sources, parties, speakers."
    )
    page_url = serializers.SerializerMethodField()

    def get_agreement(self, hit: search.Hit) -> str | None:
        return self.context["agreement_slugs"].get(hit.agreement_id)

    def get_page_url(self, hit: search.Hit) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(hit.path) if request else hit.path

"""The monitors' admin.

Recording has a page of its own for each kind of entry (the add pages of assessments, claims
and deadline changes, commitments/admin_recording.py), reached from the admin index, from a
commitment's admin page and, for a monitor, from the commitment's public page. Every entry is
saved as a draft that a second monitor publishes or sends back (commitments/admin_review.py).
History is append-only: recorded status updates, evidence, claims and deadline changes are
shown read-only; a mistake is corrected by a new entry that names the one it corrects.
Monitors' permissions (the "Monitors" group, made by a migration) grant add, view and review
on those models and no change or delete; a draft's author may revise it until it is published.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Prefetch, Q, Value, When
from django.http import Http404, HttpResponse, JsonResponse
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX
from simple_history.admin import SimpleHistoryAdmin

from .admin_recording import (
    NEW_SOURCE_FIELDS,
    AssessmentForm,
    ClaimRecordForm,
    DeadlineChangeRecordForm,
    EvidenceRecordForm,
    EvidenceRecordFormSet,
    date_from_sources,
    suggest_for_url,
)
from .admin_review import ChooserLabelsMixin, ReviewableAdmin, is_autocomplete, is_own_draft
from .admin_scope import AgreementScopedMixin
from .models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
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
    ReviewState,
    Source,
    SourceCheck,
    SourceSnapshot,
    Speaker,
    SpeechKind,
    StatusUpdate,
    Verification,
    VersionDeadline,
    format_date,
)
from .snapshots import fingerprint_file, store_snapshot
from .spreadsheets import AssessmentResource, ClaimResource, IncidentResource


class AuditedAdmin(SimpleHistoryAdmin):
    """Django admin with each object's history pages, which only show what was recorded.

    django-simple-history's history pages look objects up by primary key and can save an
    old version back: here they find only what get_queryset() lets the user see (a monitor's
    assigned agreements), and never save. A mistake is corrected by a new entry.
    """

    def _visible_or_404(self, request, object_id) -> None:
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if request.method != "GET":
            raise PermissionDenied("Recorded versions are read-only; record a correction instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)


class AppendOnlyMixin:
    """Recorded history can be added to, never edited; only a superuser may delete (spam, tests)."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


def record_user(request, instances) -> None:
    """Fill in the recording monitor on new history entries."""
    for instance in instances:
        if instance.pk is None and hasattr(instance, "recorded_by_id"):
            instance.recorded_by = request.user
            instance.recorded_at = timezone.now()


def best_matches_first(queryset, term: str, exact: list[str], prefix: list[str], then: list[str]):
    """Order a chooser's results so that what the monitor typed exactly comes first, then what
    starts with it: "Azerbaijan" + Enter picks the Republic of Azerbaijan (its short name), not
    the "President of the Republic of Azerbaijan"."""
    term = term.strip()
    if not term:
        return queryset
    is_exact, starts = Q(), Q()
    for name in exact:
        is_exact |= Q(**{f"{name}__iexact": term})
    for name in prefix:
        starts |= Q(**{f"{name}__istartswith": term})
    rank = Case(When(is_exact, then=Value(0)), When(starts, then=Value(1)), default=Value(2))
    return queryset.annotate(match_rank=rank).order_by("match_rank", *then)


class AgreementListFilter(admin.SimpleListFilter):
    """The agreement filter of a list: only the agreements the monitor may see."""

    title = _("agreement")
    parameter_name = "agreement"
    path = "provision__agreement"

    def lookups(self, request, model_admin):
        return [(str(agreement.pk), str(agreement)) for agreement in Agreement.objects.visible_to(request.user)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{f"{self.path}__pk": self.value()})
        return queryset


class EntryAgreementListFilter(AgreementListFilter):
    path = "commitment__provision__agreement"


# --- reference data ---------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        queryset = best_matches_first(
            queryset, search_term, ["short_name", "name", "slug"], ["short_name", "name"], ["name"]
        )
        return queryset, may_have_duplicates


class LinkCheckFilter(admin.SimpleListFilter):
    """What the latest link check found (SourceQuerySet's rules)."""

    title = _("link check")
    parameter_name = "link_check"

    def lookups(self, request, model_admin):
        return [
            ("gone_or_changed", _("Link gone or changed")),
            (SourceCheck.Outcome.REACHABLE, _("Reachable")),
            (SourceCheck.Outcome.REDIRECTED, _("Redirected")),
            ("not_checked", _("Not checked")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "gone_or_changed":
            return queryset.link_gone_or_changed()
        if value in (SourceCheck.Outcome.REACHABLE, SourceCheck.Outcome.REDIRECTED):
            return queryset.link_outcome(value)
        if value == "not_checked":
            return queryset.links_unchecked()
        return queryset


def describe_check(check: SourceCheck | None) -> str:
    if check is None:
        return str(_("not checked yet"))
    return _("checked %(when)s: %(outcome)s") % {"when": f"{check.checked_at:%Y-%m-%d}", "outcome": check.describe()}


def describe_snapshot(snapshot: SourceSnapshot) -> str:
    return _("%(type)s, %(size)s, captured %(when)s UTC, SHA-256 %(sha256)s") % {
        "type": snapshot.get_content_type_display(),
        "size": filesizeformat(snapshot.size),
        "when": f"{snapshot.captured_at:%Y-%m-%d %H:%M}",
        "sha256": snapshot.sha256,
    }


class StoredSnapshotInline(admin.TabularInline):
    """The stored copies of the source, newest first, each with its fingerprint and a download link. Read-only."""

    model = SourceSnapshot
    verbose_name = _("stored copy")
    verbose_name_plural = _("stored copies (append-only)")
    fields = ["captured_at", "content_type", "file_size", "sha256", "original_name", "download", "recorded_by"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    @admin.display(description=_("size"))
    def file_size(self, snapshot: SourceSnapshot) -> str:
        return f"{filesizeformat(snapshot.size)} ({snapshot.size} bytes)"

    @admin.display(description=_("file"))
    def download(self, snapshot: SourceSnapshot) -> str:
        return format_html('<a href="{}">{}</a>', snapshot.get_download_url(), _("download"))


class NewSnapshotForm(forms.ModelForm):
    """Upload of a stored copy: an HTML page, a PDF or a plain-text file (commitments.snapshots)."""

    upload = forms.FileField(
        label=_("File"),
        help_text=_("The page saved as HTML, a PDF, or plain text; at most %(limit)s.")
        % {"limit": filesizeformat(settings.SOURCE_SNAPSHOT_MAX_BYTES)},
    )
    captured_at = forms.SplitDateTimeField(
        label=_("Captured at"),
        required=False,
        widget=AdminSplitDateTime,
        help_text=_("When the copy was taken; leave empty for now."),
    )

    class Meta:
        model = SourceSnapshot
        fields = ["captured_at"]

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if not upload:
            return cleaned
        try:
            fingerprint = fingerprint_file(upload, upload.name)
        except ValidationError as error:
            self.add_error("upload", error)
            return cleaned
        captured_at = cleaned.get("captured_at")
        if captured_at and captured_at > timezone.now():
            self.add_error("captured_at", _("A copy cannot be captured in the future."))
        source_id = self.instance.source_id
        existing = source_id and SourceSnapshot.objects.filter(source_id=source_id, sha256=fingerprint.sha256).first()
        if existing:
            self.add_error(
                "upload",
                _("This source already has this exact copy, captured %(when)s UTC.")
                % {"when": f"{existing.captured_at:%Y-%m-%d %H:%M}"},
            )
        return cleaned


class NewSnapshotFormSet(forms.BaseInlineFormSet):
    recorded_by = None  # set by SourceAdmin.save_formset

    def save(self, commit: bool = True) -> list[SourceSnapshot]:
        now = timezone.now()
        stored = []
        for form in self.forms:
            upload = form.cleaned_data.get("upload") if form.has_changed() else None
            if upload:
                stored.append(
                    store_snapshot(
                        self.instance,
                        upload,
                        name=upload.name,
                        captured_at=form.cleaned_data.get("captured_at") or now,
                        now=now,
                        recorded_by=self.recorded_by,
                    )
                )
        # What the admin's change message reads.
        self.new_objects, self.changed_objects, self.deleted_objects = stored, [], []
        return stored


class NewSnapshotInline(admin.StackedInline):
    """Stores a copy of the source (monitors with the permission to add stored copies)."""

    model = SourceSnapshot
    form = NewSnapshotForm
    formset = NewSnapshotFormSet
    verbose_name = _("new stored copy")
    verbose_name_plural = _("store a copy of the source")
    extra = 1
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class LinkCheckInline(admin.TabularInline):
    """Every check of the source's links, newest first. Recorded by the link checker; read-only."""

    model = SourceCheck
    verbose_name = _("link check")
    verbose_name_plural = _("link checks (history)")
    fields = ["checked_at", "link", "url", "outcome", "result", "status_code", "content_sha256"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("what was found"))
    def result(self, check: SourceCheck) -> str:
        return check.describe()


@admin.register(Speaker)
class SpeakerAdmin(AuditedAdmin):
    list_display = ["name", "role", "party"]
    list_filter = [("party", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["party"]
    search_fields = ["name", "role", "party__name", "party__short_name"]
    autocomplete_fields = ["party"]

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        queryset = best_matches_first(queryset, search_term, ["name"], ["name"], ["name", "role"])
        return queryset.select_related("party"), may_have_duplicates


@admin.register(Source)
class SourceAdmin(AuditedAdmin):
    list_display = ["publisher", "title", "display_date", "kind", "language", "affiliated_party", "url", "link_check"]
    list_filter = [
        LinkCheckFilter,
        "kind",
        "language",
        "published_on_precision",
        ("affiliated_party", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["affiliated_party"]
    search_fields = ["publisher", "title", "author", "url", "archive_url"]
    date_hierarchy = "published_on"
    autocomplete_fields = ["affiliated_party"]
    readonly_fields = ["latest_link_checks", "latest_stored_copy"]
    inlines = [StoredSnapshotInline, NewSnapshotInline, LinkCheckInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_link_state()

    @admin.display(description=_("published"), ordering="published_on")
    def display_date(self, source: Source) -> str:
        return source.display_date()

    @admin.display(description=_("link check"))
    def link_check(self, source: Source) -> str:
        if not source.url:
            return "—"
        return describe_check(source.latest_check(SourceCheck.Link.URL))

    @admin.display(description=_("latest link checks"))
    def latest_link_checks(self, source: Source) -> str:
        lines = [
            (link.label, source.link_address(link), describe_check(source.latest_check(link)))
            for link in SourceCheck.Link
            if source.pk and source.link_address(link)
        ]
        if not lines:
            return str(_("No link to check."))
        return format_html_join("", "<p>{} ({}): {}</p>", lines)

    @admin.display(description=_("latest stored copy"))
    def latest_stored_copy(self, source: Source) -> str:
        snapshot = source.latest_snapshot() if source.pk else None
        if snapshot is None:
            return str(_("None stored."))
        return format_html(
            '{} · <a href="{}">{}</a>', describe_snapshot(snapshot), snapshot.get_download_url(), _("download")
        )

    def save_formset(self, request, form, formset, change) -> None:
        if isinstance(formset, NewSnapshotFormSet):
            formset.recorded_by = request.user
        super().save_formset(request, form, formset, change)

    def get_urls(self):
        return [
            path("suggest/", self.admin_site.admin_view(self.suggest_view), name="commitments_source_suggest"),
            *super().get_urls(),
        ]

    def suggest_view(self, request):
        """What the record pages fill in for a typed web address (admin_recording.suggest_for_url)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return JsonResponse(suggest_for_url(request.GET.get("url", "")))


# --- agreements and provisions ----------------------------------------------------


class AgreementTextInline(AgreementScopedMixin, admin.TabularInline):
    model = AgreementText
    extra = 0


class AgreementEventInline(AgreementScopedMixin, admin.StackedInline):
    """What deadlines count from. Recording the date it happened (with its source) derives the
    deadlines that count from it; correcting the date moves them (AgreementEvent.save)."""

    model = AgreementEvent
    extra = 0
    fields = ["code", "name", "occurred_on", "source", "quote", "is_verbatim"]
    autocomplete_fields = ["source"]


class AgreementLinkForm(forms.ModelForm):
    """Each side's points belong to that side: `provisions` to the linked agreement, `by_provisions`
    to this one (the many-to-many values are saved after the link, so checked here)."""

    class Meta:
        model = AgreementLink
        fields = ["kind", "to_agreement", "provisions", "by_provisions", "note"]

    def clean(self):
        cleaned = super().clean()
        to_agreement = cleaned.get("to_agreement")
        if to_agreement is not None and any(
            provision.agreement_id != to_agreement.pk for provision in cleaned.get("provisions") or []
        ):
            self.add_error("provisions", _("Name points of the linked agreement only."))
        from_id = self.instance.from_agreement_id
        if from_id is not None and any(
            provision.agreement_id != from_id for provision in cleaned.get("by_provisions") or []
        ):
            self.add_error("by_provisions", _("Name points of this agreement only."))
        if to_agreement is not None and from_id is not None and to_agreement.pk == from_id:
            self.add_error("to_agreement", _("An agreement cannot link to itself."))
        return cleaned


class AgreementLinkInline(AgreementScopedMixin, admin.StackedInline):
    """Recorded on the later agreement; the earlier one shows it the other way round."""

    model = AgreementLink
    form = AgreementLinkForm
    fk_name = "from_agreement"
    verbose_name_plural = _("links to other agreements (implements, amends, supersedes, recommits to)")
    extra = 0
    fields = ["kind", "to_agreement", "provisions", "by_provisions", "note"]
    autocomplete_fields = ["to_agreement", "provisions", "by_provisions"]


class ProvisionInline(AgreementScopedMixin, admin.TabularInline):
    model = Provision
    extra = 0
    fields = ["position", "number", "text", "text_variants"]
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(AgreementScopedMixin, AuditedAdmin):
    list_display = ["__str__", "signed_on", "entry_into_force_local", "time_zone"]
    search_fields = ["title", "short_title", "slug"]
    prepopulated_fields = {"slug": ["short_title"]}
    inlines = [AgreementTextInline, AgreementEventInline, AgreementLinkInline, ProvisionInline]

    def get_exclude(self, request, obj=None):
        # Who monitors what is decided by those who manage accounts, not by monitors.
        if request.user.has_perm("auth.change_user"):
            return super().get_exclude(request, obj)
        return ["monitors"]

    def get_autocomplete_fields(self, request):
        return ["signatories", "monitors"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # A monitor limited to assigned agreements keeps access to the one just added.
        if not change and not request.user.has_perm("commitments.monitor_all_agreements"):
            form.instance.monitors.add(request.user)

    @admin.display(description=_("entry into force (local time)"), ordering="entry_into_force")
    def entry_into_force_local(self, agreement: Agreement) -> str:
        return f"{agreement.entry_into_force_local():%Y-%m-%d %H:%M %Z}"


class CommitmentInline(AgreementScopedMixin, admin.TabularInline):
    model = Commitment
    extra = 0
    fields = ["code", "title", "category", "deadline_kind"]
    show_change_link = True
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # edited on the commitment's own page, with its history


class ProvisionAgreementFilter(AgreementListFilter):
    path = "agreement"


@admin.register(Provision)
class ProvisionAdmin(AgreementScopedMixin, AuditedAdmin):
    list_display = ["__str__", "number", "agreement"]
    list_filter = [ProvisionAgreementFilter]
    list_select_related = ["agreement"]
    search_fields = ["text", "number", "agreement__title", "agreement__short_title"]
    inlines = [CommitmentInline]


# --- commitments and their history ------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.overdue(now)
        if self.value() == "no":
            return queryset.not_overdue(now)
        return queryset


class ContestedFilter(admin.SimpleListFilter):
    title = _("contested")
    parameter_name = "contested"

    def lookups(self, request, model_admin):
        return [("yes", _("A claim contradicts the current assessment")), ("no", _("Not contested"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_contested=True)
        if self.value() == "no":
            return queryset.filter(is_contested=False)
        return queryset


class DisputedFilter(admin.SimpleListFilter):
    title = _("disputed")
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", _("Conflicting claims")), ("no", _("No conflicting claims"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(is_disputed=True)
        if self.value() == "no":
            return queryset.filter(is_disputed=False)
        return queryset


class StatusHistoryInline(AgreementScopedMixin, admin.TabularInline):
    """The recorded assessments, newest first, each with its evidence. Read-only."""

    model = StatusUpdate
    fk_name = "commitment"
    verbose_name = _("recorded status update")
    verbose_name_plural = _("status history (append-only)")
    fields = ["as_of_display", "status", "summary", "evidence_list", "corrects", "review", "recorded_by", "recorded_at"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("recorded_by", "corrects")
            .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("source", "speaker")))
        )

    @admin.display(description=_("evidence"))
    def evidence_list(self, update: StatusUpdate) -> str:
        return format_html_join(
            "", "<p>{}<br><small>{}</small></p>", ((passage(item), item.source) for item in update.evidence.all())
        )

    @admin.display(description=_("as of"))
    def as_of_display(self, update: StatusUpdate) -> str:
        return update.display_as_of()

    @admin.display(description=_("review"))
    def review(self, entry) -> str:
        return review_state_label(entry)


def review_state_label(entry) -> str:
    """Return where an entry stands in review, as the admin's lists show it."""
    if entry.is_published():
        return entry.get_published_via_display() or entry.get_review_state_display()
    return entry.get_review_state_display()


def passage(item: Evidence) -> str:
    """Return evidence as the monitors read it: whose words, then the text."""
    text = f"“{item.quote}”" if item.is_verbatim else _("(summary) %(text)s") % {"text": item.quote}
    if item.speech_kind == SpeechKind.DIRECT and item.speaker:
        return _("%(speaker)s said: %(text)s") % {"speaker": item.speaker, "text": text}
    if item.speech_kind == SpeechKind.REPORTED and item.speaker:
        return _("%(publisher)s reported, of %(speaker)s: %(text)s") % {
            "publisher": item.source.publisher,
            "speaker": item.speaker,
            "text": text,
        }
    if item.speech_kind == SpeechKind.SOURCE:
        return _("%(publisher)s reported: %(text)s") % {"publisher": item.source.publisher, "text": text}
    return text


class ReadOnlyHistoryInline(AgreementScopedMixin, admin.StackedInline):
    """Recorded entries on the commitment's page: read-only, with where each stands in review.
    New ones are recorded on their own pages (the links above the form)."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("review"))
    def review(self, entry) -> str:
        return review_state_label(entry)


class DeadlineChangeInline(ReadOnlyHistoryInline):
    model = DeadlineChange
    verbose_name_plural = _("deadline changes (append-only)")
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
        "review",
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = fields


class VersionDeadlineInline(AgreementScopedMixin, admin.TabularInline):
    """Where published versions of the text word the deadline differently."""

    model = VersionDeadline
    extra = 0
    fields = ["text", "wording", "deadline_date"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:  # only the versions of this commitment's agreement
            field = formset.form.base_fields["text"]
            field.queryset = field.queryset.filter(agreement=obj.agreement)
        return formset


CLAIM_FIELDS = [
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
    "review",
    "recorded_by",
    "recorded_at",
]


class ClaimInline(ReadOnlyHistoryInline):
    model = Claim
    fk_name = "commitment"
    verbose_name_plural = _("claims by the parties (append-only)")
    fields = CLAIM_FIELDS
    readonly_fields = CLAIM_FIELDS

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("party", "speaker__party", "source", "recorded_by", "corrects")
        )


@admin.register(Commitment)
class CommitmentAdmin(AgreementScopedMixin, AuditedAdmin):
    list_display = [
        "title",
        "point",
        "responsible",
        "category",
        "deadline_in_force",
        "current_status",
        "overdue",
        "disputed",
        "contested",
    ]
    list_filter = [
        AgreementListFilter,
        "category",
        ("responsible_parties", admin.RelatedOnlyFieldListFilter),
        "current_status",
        OverdueFilter,
        DisputedFilter,
        ContestedFilter,
        "deadline_kind",
    ]
    list_select_related = ["provision__agreement"]
    search_fields = ["title", "description", "code", "provision__text", "provision__agreement__title"]
    autocomplete_fields = ["provision", "responsible_parties", "supervising_bodies"]
    readonly_fields = ["deadline_summary", "current_status", "derived_states"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "provision",
                    "code",
                    "title",
                    "description",
                    "responsible_parties",
                    "supervising_bodies",
                    "category",
                ]
            },
        ),
        (
            _("Deadline"),
            {
                "fields": [
                    "deadline_kind",
                    "deadline_date",
                    "period_months",
                    "period_days",
                    "deadline_event",
                    "term_months",
                    "notice_months",
                    "deadline_summary",
                ],
                "description": _("To move a deadline, record a deadline change below; the original stays on record."),
            },
        ),
        (_("Derived from the history"), {"fields": ["current_status", "derived_states"]}),
    ]
    inlines = [StatusHistoryInline, VersionDeadlineInline, DeadlineChangeInline, ClaimInline]
    change_form_template = "admin/commitments/commitment_change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("responsible_parties")

    def get_readonly_fields(self, request, obj=None):
        # The original deadline is a fact of the text; once recorded it changes only
        # through a DeadlineChange (kept as history).
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.has_dated_deadline():
            readonly += ["deadline_kind", "deadline_date", "period_months", "period_days", "deadline_event"]
        return readonly

    @admin.display(description=_("point"), ordering="provision__position")
    def point(self, commitment: Commitment) -> str:
        return f"{commitment.provision.agreement} · {commitment.provision.number}"

    @admin.display(description=_("responsible"))
    def responsible(self, commitment: Commitment) -> str:
        return ", ".join(str(party) for party in commitment.responsible_parties.all())

    @admin.display(description=_("overdue"), ordering="deadline_ends_at")
    def overdue(self, commitment: Commitment) -> str:
        days = commitment.days_overdue(timezone.now())
        return _("%(days)s days overdue") % {"days": days} if days else "—"

    @admin.display(description=_("disputed"), ordering="is_disputed")
    def disputed(self, commitment: Commitment) -> str:
        return _("Disputed") if commitment.is_disputed else "—"

    @admin.display(description=_("contested"), ordering="is_contested")
    def contested(self, commitment: Commitment) -> str:
        return _("Contested") if commitment.is_contested else "—"

    @admin.display(description=_("deadline"))
    def deadline_summary(self, commitment: Commitment) -> str:
        if commitment.pk is None:
            return "—"
        today = commitment.agreement.local_today(timezone.now())
        if commitment.deadline_kind == Commitment.DeadlineKind.RENEWABLE:
            term = commitment.current_term(today)
            if term is None:
                ended = commitment.ended_on()
                return format_html(
                    _("No current term: it ended on {}."), format_date(ended) if ended else _("an unknown date")
                )
            return format_html(
                _("Current term (number {}) expires {}; notice to end it is due by {}."),
                term.number,
                format_date(term.expires_on),
                format_date(term.notice_by),
            )
        if commitment.deadline_in_force is None:
            return commitment.get_deadline_kind_display()
        original = commitment.original_deadline()
        if original != commitment.deadline_in_force:
            return format_html(
                _("In force: {} (originally {}); ends {} UTC."),
                commitment.deadline_in_force,
                original,
                f"{commitment.deadline_ends_at:%Y-%m-%d %H:%M}",
            )
        return format_html(
            _("{}; ends {} UTC."), commitment.deadline_in_force, f"{commitment.deadline_ends_at:%Y-%m-%d %H:%M}"
        )

    @admin.display(description=_("states"))
    def derived_states(self, commitment: Commitment) -> str:
        if commitment.pk is None:
            return "—"
        now = timezone.now()
        states = []
        if commitment.is_overdue(now):
            states.append(_("overdue by %(days)s days") % {"days": commitment.days_overdue(now)})
        if commitment.is_fulfilled_late():
            states.append(_("fulfilled %(days)s days late") % {"days": commitment.days_late()})
        if commitment.is_due_soon(now):
            states.append(_("due soon"))
        if commitment.is_disputed:
            states.append(_("disputed: the parties' claims conflict"))
        if commitment.is_contested:
            states.append(_("contested: a party's claim contradicts the current assessment"))
        return "; ".join(str(state) for state in states) or _("none")

    def get_search_results(self, request, queryset, search_term):
        if not is_autocomplete(request):
            return super().get_search_results(request, queryset, search_term)
        # The commitment chooser: agreement, point number and title (never the provision's text,
        # which names other commitments), every word matching one of them.
        words = [word for word in search_term.replace("·", " ").split() if word.lower() not in ("point", "pt")]
        for word in words:
            queryset = queryset.filter(
                Q(provision__agreement__title__icontains=word)
                | Q(provision__agreement__short_title__icontains=word)
                | Q(provision__agreement__slug__icontains=word)
                | Q(provision__number__iexact=word)
                | Q(title__icontains=word)
                | Q(code__icontains=word)
            )
        queryset = best_matches_first(
            queryset.select_related("provision__agreement"),
            search_term,
            ["title", "code"],
            ["title"],
            ["provision__agreement", "provision__position", "id"],
        )
        return queryset, False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["record_links"] = [
                (label, f"{reverse(f'admin:commitments_{model}_add')}?commitment={obj.pk}")
                for label, model in (
                    (_("Record an assessment"), "statusupdate"),
                    (_("Record a claim"), "claim"),
                    (_("Record a deadline change"), "deadlinechange"),
                )
                if request.user.has_perm(f"commitments.add_{model}")
            ]
            if request.user.has_perm("commitments.add_incident"):
                # The incident form takes its agreement and the commitment it bears on from the query.
                agreement_id = obj.provision.agreement_id
                url = f"{reverse('admin:commitments_incident_add')}?agreement={agreement_id}&commitments={obj.pk}"
                context["record_links"].append((_("Record an incident"), url))
            context["public_url"] = obj.get_absolute_url()
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)


class EvidenceRecordInline(AgreementScopedMixin, ChooserLabelsMixin, admin.StackedInline):
    """The evidence of an assessment on its record page: a source chosen or added in the row, the
    quoted passage, whose words it is. At least one."""

    model = Evidence
    form = EvidenceRecordForm
    formset = EvidenceRecordFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["source", "speaker"]
    verbose_name = _("evidence: a source and the passage quoted from it")
    verbose_name_plural = _("evidence")
    fieldsets = [
        (None, {"fields": ["source"]}),
        (
            _("or add a source"),
            {
                "fields": [
                    *NEW_SOURCE_FIELDS.values(),
                ],
                "classes": ["new-source-fields"],
                "description": _(
                    "Fill these in when the source is not recorded yet: it is saved with the entry. "
                    "Typing its web address fills in what earlier sources of the same site were given."
                ),
            },
        ),
        (None, {"fields": ["quote", "is_verbatim", "speech_kind", "speaker"]}),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        # Django's admin passes min_num to the formset but not validate_min, so without this a
        # forged POST with evidence-TOTAL_FORMS=0 passes the form (StatusUpdate.record refuses it
        # anyway, below the forms).
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [(None, {"fields": ["source", "quote", "is_verbatim", "speech_kind", "speaker"]})]
        return self.fieldsets

    # Evidence changes with its assessment: while it is its author's draft.
    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None or is_own_draft(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None or is_own_draft(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and is_own_draft(request, obj)


class RecordedByFilter(admin.SimpleListFilter):
    title = _("recorded by")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("yes", _("Me"))]

    def queryset(self, request, queryset):
        return queryset.filter(recorded_by=request.user) if self.value() == "yes" else queryset


class ReviewStateFilter(admin.SimpleListFilter):
    title = _("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return list(ReviewState.choices)

    def queryset(self, request, queryset):
        return queryset.filter(review_state=self.value()) if self.value() else queryset


class SpreadsheetImportMixin(ImportMixin):
    """Bulk entry from a CSV or XLSX file (commitments/spreadsheets.py): a dry run that shows each
    refused row with its number, then a confirmation; all or nothing; every row a draft."""

    import_formats = [CSV, XLSX]
    import_template_name = "admin/commitments/import.html"
    skip_import_confirm = False

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm(f"commitments.add_{self.model._meta.model_name}")

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        return {**kwargs, "rollback_on_validation_errors": True}  # one refused row: nothing imported

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/template.<str:file_format>",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            ),
            *super().get_urls(),
        ]

    def import_template_view(self, request, file_format: str):
        """The spreadsheet to fill in: the columns, nothing else (CSV or XLSX)."""
        if file_format not in ("csv", "xlsx") or not self.has_import_permission(request):
            raise Http404
        resource = self.resource_classes[0](user=request.user)
        content_type = "text/csv; charset=utf-8" if file_format == "csv" else XLSX().get_content_type()
        response = HttpResponse(resource.template(file_format), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.model._meta.model_name}-template.{file_format}"'
        return response

    def get_import_context_data(self, **kwargs):
        context = super().get_import_context_data(**kwargs)
        opts = self.model._meta
        resource = self.resource_classes[0]()
        context.update(
            column_help=resource.column_help(),
            template_urls=[
                (label, reverse(f"admin:{opts.app_label}_{opts.model_name}_import_template", args=[extension]))
                for label, extension in (("CSV", "csv"), ("XLSX", "xlsx"))
            ],
        )
        return context


class EntryAdmin(AgreementScopedMixin, ReviewableAdmin, AuditedAdmin):
    """An assessment, claim or deadline change: recorded on its add page ("Record …") as a draft,
    revised by its author, published by a second monitor; view-only once published."""

    list_select_related = ["commitment__provision__agreement", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at", "review", "reviewed_by", "reviewed_at", "review_comment"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(None, {"fields": list(self.record_fields)})]
        if obj is not None:
            fieldsets.append((_("Recorded and reviewed"), {"fields": self.readonly_fields, "classes": ["collapse"]}))
        return fieldsets

    @admin.display(description=_("commitment"), ordering="commitment__provision__position")
    def commitment_label(self, entry) -> str:
        return entry.commitment.chooser_label()

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            record_user(request, [obj])
        super().save_model(request, obj, form, change)


@admin.register(StatusUpdate)
class StatusUpdateAdmin(SpreadsheetImportMixin, EntryAdmin):
    form = AssessmentForm
    resource_classes = [AssessmentResource]
    list_display = ["commitment_label", "status", "as_of", "review", "recorded_by", "recorded_at"]
    list_filter = [ReviewStateFilter, RecordedByFilter, "status", EntryAgreementListFilter]
    search_fields = ["summary", "commitment__title", "evidence__quote"]
    autocomplete_fields = ["commitment", "incidents", "corrects"]
    inlines = [EvidenceRecordInline]
    record_fields = [
        "commitment",
        "status",
        "as_of",
        "precision",
        "summary",
        "incidents",
        "is_correction",
        "corrects",
        "correction_reason",
    ]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return super().save_model(request, obj, form, change)
        record_user(request, [obj])
        # Saved in save_related(), together with its evidence (StatusUpdate.record).

    def save_related(self, request, form, formsets, change) -> None:
        if change:
            return super().save_related(request, form, formsets, change)
        evidence = []
        sources = []
        for formset in formsets:
            evidence += formset.save(commit=False)  # new sources are saved here, with the entry
            sources += formset.sources()
        date_from_sources(form.instance, sources)
        # The update and its evidence (and the incidents it rests on), together or not at all.
        form.instance.record(evidence, form.cleaned_data.get("incidents") or ())


@admin.register(Claim)
class ClaimAdmin(SpreadsheetImportMixin, EntryAdmin):
    form = ClaimRecordForm
    resource_classes = [ClaimResource]
    list_display = ["commitment_label", "speaker", "party", "position", "stated_on", "review", "recorded_by"]
    list_filter = [ReviewStateFilter, RecordedByFilter, "position", "party", EntryAgreementListFilter]
    list_select_related = ["party", "speaker", "commitment__provision__agreement", "recorded_by"]
    search_fields = ["speaker__name", "speaker__role", "summary", "quote", "commitment__title"]
    autocomplete_fields = ["commitment", "party", "speaker", "source", "corrects"]
    record_fields = [
        "commitment",
        "party",
        "speaker",
        "speech_kind",
        "stated_on",
        "stated_on_precision",
        "position",
        "summary",
        "quote",
        "source",
        *NEW_SOURCE_FIELDS.values(),
        "is_correction",
        "corrects",
        "correction_reason",
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            return [(None, {"fields": CLAIM_FIELDS[:-3] + ["commitment"]}), *super().get_fieldsets(request, obj)[1:]]
        return super().get_fieldsets(request, obj)


@admin.register(DeadlineChange)
class DeadlineChangeAdmin(EntryAdmin):
    form = DeadlineChangeRecordForm
    list_display = ["commitment_label", "previous_deadline", "new_deadline", "decided_on", "review", "recorded_by"]
    list_filter = [ReviewStateFilter, RecordedByFilter, EntryAgreementListFilter]
    search_fields = ["reason", "quote", "commitment__title"]
    autocomplete_fields = ["commitment", "requested_by", "agreed_by", "source"]
    record_fields = [
        "commitment",
        "new_deadline",
        "decided_on",
        "requested_by",
        "agreed_by",
        "reason",
        "quote",
        "source",
        *NEW_SOURCE_FIELDS.values(),
    ]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not self.has_change_permission(request, obj):
            fields = ["commitment", "previous_deadline", "new_deadline", "decided_on", "requested_by", "agreed_by"]
            return [
                (None, {"fields": [*fields, "reason", "source", "quote"]}),
                *super().get_fieldsets(request, obj)[1:],
            ]
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["previous_deadline", *self.readonly_fields]


# --- the incident log ---------------------------------------------------------------


class IncidentEvidenceForm(EvidenceRecordForm):
    """A quoted passage of a source (chosen, or added in the row as on the other record pages)."""

    class Meta(EvidenceRecordForm.Meta):
        model = IncidentEvidence


class IncidentEvidenceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # A new incident's date against its sources' (Incident.precision_problem, sources_problem).
        if self.instance.pk is not None or not self.instance.occurred_on:
            return
        sources = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        if sources and (problem := self.instance.precision_problem(sources) or self.instance.sources_problem(sources)):
            raise ValidationError(problem)


class CasualtyReportFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if self.instance.pk is not None or not self.instance.occurred_on:
            return
        sources = [form.cleaned_data["source"] for form in self.forms if form.cleaned_data.get("source")]
        if problem := self.instance.sources_problem(sources):
            raise ValidationError(problem)


class IncidentEvidenceInline(AgreementScopedMixin, admin.StackedInline):
    """The evidence of an incident: at least one quoted passage, with whose words it is."""

    model = IncidentEvidence
    form = IncidentEvidenceForm
    formset = IncidentEvidenceFormSet
    extra = 0
    min_num = 1
    autocomplete_fields = ["source", "speaker"]
    fieldsets = EvidenceRecordInline.fieldsets

    def get_fieldsets(self, request, obj=None):
        # A recorded incident's rows are shown as they are; evidence added to a draft later
        # chooses a recorded source.
        if obj is not None:
            return [(None, {"fields": ["source", "quote", "is_verbatim", "speech_kind", "speaker"]})]
        return self.fieldsets

    def get_formset(self, request, obj=None, **kwargs):
        # Enforce the minimum on a forged POST too (see EvidenceInline).
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CasualtyReportInline(AgreementScopedMixin, admin.TabularInline):
    """What each source reports of the dead and injured; the figure used is the lowest reported."""

    model = CasualtyReport
    formset = CasualtyReportFormSet
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["kind", "group", "minimum", "maximum", "source", "quote"]
    verbose_name_plural = _("casualties reported (each source's figure; the lowest is used)")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


INCIDENT_FIELDSETS = [
    (_("When"), {"fields": ["agreement", "occurred_on", "time_precision", "occurred_at", "ended_on"]}),
    (
        _("Where"),
        {
            "fields": ["location", "admin3", "admin2", "admin1", "country", "latitude", "longitude", "geo_precision"],
            "description": _("Coordinates in WGS84 decimal degrees; leave them out rather than guess."),
        },
    ),
    (_("What"), {"fields": ["event_type", "sub_event_type", "summary"]}),
    (
        _("Who"),
        {
            "fields": ["actor1", "assoc_actors_1", "actor2", "assoc_actors_2", "alleged_by", "alleged_against"],
            "description": _(
                "Actors 1 and 2 as ACLED codes them, with no direction implied; apart from them, the party "
                "that alleges the incident and the party it is alleged against."
            ),
        },
    ),
    (_("Bears on"), {"fields": ["commitments"]}),
]


class IncidentForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = [name for _title, options in INCIDENT_FIELDSETS for name in options["fields"]]

    def clean(self):
        cleaned = super().clean()
        agreement, commitments = cleaned.get("agreement"), cleaned.get("commitments")
        if agreement and commitments:
            if problem := Incident(agreement=agreement).commitments_problem(commitments):
                self.add_error("commitments", problem)
        return cleaned


@admin.register(Incident)
class IncidentAdmin(SpreadsheetImportMixin, AgreementScopedMixin, ReviewableAdmin, AuditedAdmin):
    """An incident is a draft until a second monitor publishes it (commitments/review.py), like an
    assessment; its author may add evidence to it while it is a draft, and it is view-only after."""

    form = IncidentForm
    resource_classes = [IncidentResource]
    list_display = [
        "__str__",
        "agreement",
        "occurred_on",
        "event_type",
        "alleged_by",
        "alleged_against",
        "verified",
        "review",
    ]
    list_filter = [
        ReviewStateFilter,
        RecordedByFilter,
        "agreement",
        "event_type",
        "time_precision",
        ("alleged_by", admin.RelatedOnlyFieldListFilter),
        ("alleged_against", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["agreement", "alleged_by", "alleged_against"]
    search_fields = ["location", "admin1", "admin2", "country", "summary", "agreement__title", "agreement__short_title"]
    date_hierarchy = "occurred_on"
    autocomplete_fields = [
        "agreement",
        "actor1",
        "actor2",
        "assoc_actors_1",
        "assoc_actors_2",
        "alleged_by",
        "alleged_against",
        "commitments",
    ]
    inlines = [IncidentEvidenceInline, CasualtyReportInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_verification()

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return INCIDENT_FIELDSETS
        recorded = ["verified", "recorded_by", "recorded_at", "review", "reviewed_by", "reviewed_at", "review_comment"]
        return [*INCIDENT_FIELDSETS, (_("Recorded and reviewed"), {"fields": recorded})]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [name for _title, options in self.get_fieldsets(request, obj) for name in options["fields"]]

    @admin.display(description=_("verification"), ordering="verification_level")
    def verified(self, incident: Incident) -> str:
        level = getattr(incident, "verification_level", None) or incident.verification()
        return Verification(level).label

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # nothing of the incident itself is editable; only new evidence is saved
        record_user(request, [obj])
        # Saved in save_related(), together with its evidence (Incident.record).

    def save_related(self, request, form, formsets, change) -> None:
        if change:
            return super().save_related(request, form, formsets, change)
        evidence, reports = [], []
        for formset in formsets:
            saved = formset.save(commit=False)
            (evidence if formset.model is IncidentEvidence else reports).extend(saved)
        # The incident, its evidence, casualty reports and relations, together or not at all.
        form.instance.record(
            evidence,
            commitments=form.cleaned_data.get("commitments") or (),
            casualty_reports=reports,
            assoc_actors_1=form.cleaned_data.get("assoc_actors_1") or (),
            assoc_actors_2=form.cleaned_data.get("assoc_actors_2") or (),
        )


# Accounts carry their audit trail too (see the history registration in models.py).
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass

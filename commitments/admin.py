"""The monitors' admin.

Recording is quick: on a commitment's page a monitor adds a status update with its
first piece of evidence inline (source by autocomplete, or a new one through the
"+" button), a deadline change or a claim, and sees the whole history above.
History is append-only: recorded status updates, evidence, claims and deadline
changes are shown read-only; a mistake is corrected by a new entry that names the
one it corrects. Monitors' permissions (the "Monitors" group, made by a migration)
grant add and view on those models and no change or delete.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .admin_scope import AgreementScopedMixin
from .models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
    AgreementText,
    Claim,
    Commitment,
    DatePrecision,
    DeadlineChange,
    Evidence,
    Party,
    Provision,
    Source,
    SourceCheck,
    SourceSnapshot,
    Speaker,
    SpeechKind,
    StatusUpdate,
    VersionDeadline,
    finest_precision,
    format_date,
    is_finer,
)
from .snapshots import fingerprint_file, store_snapshot


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


# --- reference data ---------------------------------------------------------------


@admin.register(Party)
class PartyAdmin(AuditedAdmin):
    list_display = ["name", "short_name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


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


@admin.register(Provision)
class ProvisionAdmin(AgreementScopedMixin, AuditedAdmin):
    list_display = ["__str__", "number", "agreement"]
    list_filter = ["agreement"]
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
    fields = ["as_of_display", "status", "summary", "evidence_list", "corrects", "recorded_by", "recorded_at"]
    readonly_fields = fields
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


def precision_error(finest: str) -> str:
    return _("Its sources date it no more precisely than '%(precision)s'.") % {"precision": DatePrecision(finest).label}


def require_correction_reason(form: forms.ModelForm) -> None:
    """A correction says why (the public corrections log shows it)."""
    data = form.cleaned_data
    if data.get("corrects") and not (data.get("correction_reason") or "").strip():
        form.add_error("correction_reason", _("Say what was wrong with the entry this one corrects."))


class NewStatusUpdateForm(forms.ModelForm):
    """A status update together with its first piece of evidence, which it cannot go without."""

    precision = forms.ChoiceField(
        label=_("Date precision"),
        required=False,
        choices=[("", _("As precise as the source"))] + list(DatePrecision.choices),
        help_text=_("A source that gives only the month dates the assessment to the month."),
    )
    evidence_source = forms.ModelChoiceField(
        label=_("Source"),
        queryset=Source.objects.all(),
        help_text=_("Search by publisher, title or URL, or add a new source with +."),
    )
    evidence_quote = forms.CharField(
        label=_("Quoted passage"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The passage of the source that supports this assessment, word for word."),
    )
    evidence_is_verbatim = forms.BooleanField(
        label=_("Word for word"),
        required=False,
        initial=True,
        help_text=_("Untick when summarising a report whose wording the tracker does not hold."),
    )
    evidence_speech_kind = forms.ChoiceField(
        label=_("Whose words"), choices=SpeechKind.choices, initial=SpeechKind.SOURCE
    )
    evidence_speaker = forms.ModelChoiceField(
        label=_("Speaker"),
        queryset=Speaker.objects.all(),
        required=False,
        help_text=_("Who is speaking, when the passage is a speaker's words."),
    )

    class Meta:
        model = StatusUpdate
        fields = ["status", "as_of", "summary", "corrects", "correction_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model, field_name in (
            ("evidence_source", Evidence, "source"),
            ("evidence_speaker", Evidence, "speaker"),
        ):
            model_field = model._meta.get_field(field_name)
            form_field = self.fields[name]
            form_field.widget = RelatedFieldWidgetWrapper(
                AutocompleteSelect(model_field, admin.site, choices=form_field.choices),
                model_field.remote_field,
                admin.site,
                can_add_related=True,
                can_change_related=False,
                can_delete_related=False,
                can_view_related=False,
            )

    def clean_evidence_quote(self) -> str:
        quote = self.cleaned_data["evidence_quote"].strip()
        if not quote:
            raise forms.ValidationError(_("Quote the passage of the source that supports the assessment."))
        return quote

    def clean(self):
        cleaned = super().clean()
        require_correction_reason(self)
        self.instance.as_of_precision = cleaned.get("precision") or None  # None: the source's (record())
        source, precision = cleaned.get("evidence_source"), cleaned.get("precision")
        if source and precision and is_finer(precision, source.published_on_precision):
            self.add_error("precision", precision_error(source.published_on_precision))
        if cleaned.get("evidence_source") and cleaned.get("evidence_quote"):
            self.evidence = Evidence(
                source=cleaned["evidence_source"],
                quote=cleaned["evidence_quote"],
                is_verbatim=cleaned["evidence_is_verbatim"],
                speech_kind=cleaned.get("evidence_speech_kind") or SpeechKind.SOURCE,
                speaker=cleaned.get("evidence_speaker"),
            )
            try:
                self.evidence.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(f"evidence_{field}", messages)
        return cleaned

    def save(self, commit: bool = True) -> StatusUpdate:
        update = super().save(commit=False)
        if commit:
            update.record([self.evidence])  # the update and its evidence, together or not at all
        return update


class NewStatusUpdateInline(AgreementScopedMixin, admin.StackedInline):
    """Adds a status update with its evidence; more evidence can be added on the update's own page."""

    model = StatusUpdate
    fk_name = "commitment"
    form = NewStatusUpdateForm
    verbose_name = _("new status update")
    verbose_name_plural = _("record a status update")
    extra = 1
    can_delete = False
    autocomplete_fields = ["corrects"]

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeadlineChangeInline(AgreementScopedMixin, AppendOnlyMixin, admin.StackedInline):
    model = DeadlineChange
    verbose_name_plural = _("deadline changes (append-only)")
    extra = 0
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
        "recorded_by",
        "recorded_at",
    ]
    readonly_fields = ["previous_deadline", "recorded_by", "recorded_at"]
    autocomplete_fields = ["requested_by", "agreed_by", "announced_by", "source"]


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


class ClaimForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "speech_kind" in self.fields:  # whose words: said, for every new claim
            self.fields["speech_kind"].required = True

    def clean(self):
        cleaned = super().clean()
        require_correction_reason(self)
        return cleaned


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
    "recorded_by",
    "recorded_at",
]


class ClaimInline(AgreementScopedMixin, AppendOnlyMixin, admin.StackedInline):
    model = Claim
    form = ClaimForm
    fk_name = "commitment"
    verbose_name_plural = _("claims by the parties (append-only)")
    extra = 0
    fields = CLAIM_FIELDS
    readonly_fields = ["recorded_by", "recorded_at"]
    autocomplete_fields = ["party", "speaker", "source", "corrects"]

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
        "provision__agreement",
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
    inlines = [StatusHistoryInline, NewStatusUpdateInline, VersionDeadlineInline, DeadlineChangeInline, ClaimInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).with_is_disputed().with_is_contested().prefetch_related("responsible_parties")
        )

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

    def save_formset(self, request, form, formset, change) -> None:
        for inline_form in formset.forms:
            if inline_form.instance.pk is None:
                record_user(request, [inline_form.instance])
        super().save_formset(request, form, formset, change)


class EvidenceForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "speech_kind" in self.fields:  # whose words: said, for every new piece of evidence
            self.fields["speech_kind"].required = True


class EvidenceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        # A new update's date precision (set by StatusUpdateForm.save) against its sources'.
        precision = getattr(self.instance, "as_of_precision", None)
        if self.instance.pk is not None or not precision:
            return
        sources = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        finest = finest_precision(source.published_on_precision for source in sources)
        if sources and is_finer(precision, finest):
            raise ValidationError(precision_error(finest))


class EvidenceInline(AgreementScopedMixin, admin.StackedInline):
    model = Evidence
    form = EvidenceForm
    formset = EvidenceFormSet
    extra = 1
    min_num = 1
    autocomplete_fields = ["source", "speaker"]
    fields = ["source", "quote", "is_verbatim", "speech_kind", "speaker"]

    def get_formset(self, request, obj=None, **kwargs):
        # Django's admin passes min_num to the formset but not validate_min, so without this a
        # forged POST with evidence-TOTAL_FORMS=0 passes the form (StatusUpdate.record refuses it
        # anyway, below the forms).
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class StatusUpdateForm(forms.ModelForm):
    precision = forms.ChoiceField(
        label=_("Date precision"),
        required=False,
        choices=[("", _("As precise as the sources"))] + list(DatePrecision.choices),
        help_text=_("Sources that give only the month date the assessment to the month."),
    )

    class Meta:
        model = StatusUpdate
        fields = ["commitment", "status", "as_of", "summary", "corrects", "correction_reason"]

    def clean(self):
        cleaned = super().clean()
        require_correction_reason(self)
        # None: as precise as the sources (StatusUpdate.record); the evidence formset checks a choice.
        self.instance.as_of_precision = cleaned.get("precision") or None
        return cleaned

    def save(self, commit: bool = True) -> StatusUpdate:
        update = super().save(commit=False)
        if commit:
            raise ValueError("A status update is saved with its evidence: StatusUpdateAdmin.save_related().")
        return update


@admin.register(StatusUpdate)
class StatusUpdateAdmin(AgreementScopedMixin, AppendOnlyMixin, AuditedAdmin):
    list_display = ["commitment", "status", "as_of", "recorded_by", "recorded_at"]
    list_filter = ["status", "commitment__provision__agreement"]
    list_select_related = ["commitment", "recorded_by"]
    search_fields = ["summary", "commitment__title", "evidence__quote"]
    autocomplete_fields = ["commitment", "corrects"]
    readonly_fields = ["recorded_by", "recorded_at"]
    inlines = [EvidenceInline]

    # A recorded update itself never changes, but more evidence can be added to it:
    # its page accepts a save when the user may add evidence, with every field read-only.
    def has_change_permission(self, request, obj=None) -> bool:
        return obj is not None and request.user.has_perm("commitments.add_evidence")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = StatusUpdateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [
            "commitment",
            "status",
            "as_of",
            "as_of_precision",
            "summary",
            "corrects",
            "correction_reason",
            *self.readonly_fields,
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["commitment", "status", "as_of", "precision", "summary", "corrects", "correction_reason"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return  # nothing of the update itself is editable; only new evidence is saved
        record_user(request, [obj])
        # Saved in save_related(), together with its evidence (StatusUpdate.record).

    def save_related(self, request, form, formsets, change) -> None:
        if change:
            return super().save_related(request, form, formsets, change)
        evidence = []
        for formset in formsets:
            evidence += formset.save(commit=False)
        form.instance.record(evidence)  # the update and its evidence, together or not at all


@admin.register(Claim)
class ClaimAdmin(AgreementScopedMixin, AppendOnlyMixin, AuditedAdmin):
    form = ClaimForm
    list_display = ["speaker", "party", "position", "stated_on", "commitment"]
    list_filter = ["position", "party", "commitment__provision__agreement"]
    list_select_related = ["party", "speaker", "commitment"]
    search_fields = ["speaker__name", "speaker__role", "summary", "quote", "commitment__title"]
    autocomplete_fields = ["commitment", "party", "speaker", "source", "corrects"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(self, request, obj, form, change) -> None:
        record_user(request, [obj])
        super().save_model(request, obj, form, change)


# Accounts carry their audit trail too (see the history registration in models.py).
User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass

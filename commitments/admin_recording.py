"""The record pages' forms: one screen per kind of entry (assessment, claim, deadline change),
built for monitors under time pressure.

- The commitment is chosen by agreement, point number and title, and shown unambiguously.
- A source is chosen among the recorded ones (autocomplete) or added right there: a web address
  already recorded is used as it is; a new one gets the publisher, language and kind that earlier
  sources of the same site were given, unless the monitor says otherwise (suggest_for_url()).
- Dates can be left empty: an assessment is then dated as of its newest source, a claim as of its
  source, each only as precisely as the source.
- Whose words a quote is (and the speaker) is asked as the models require.
- A correction says so, names the entry it corrects, and says why.

Everything is saved as a draft (Reviewable): see commitments/admin_review.py.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import (
    Claim,
    DatePrecision,
    DeadlineChange,
    Evidence,
    Party,
    Source,
    StatusUpdate,
    finest_precision,
    is_finer,
    site_of,
)

# The new-source fields, and the Source fields whose errors they show.
NEW_SOURCE_FIELDS = {
    "url": "new_source_url",
    "publisher": "new_source_publisher",
    "title": "new_source_title",
    "published_on": "new_source_published_on",
    "published_on_precision": "new_source_precision",
    "language": "new_source_language",
    "kind": "new_source_kind",
    "affiliated_party": "new_source_affiliated_party",
}
# Typing any of these means "add this source".
NEW_SOURCE_GIVEN = ("new_source_url", "new_source_publisher", "new_source_title", "new_source_published_on")


def suggest_for_url(url: str) -> dict:
    """Return what the record pages fill in for a source's web address: the recorded source with
    that address, if there is one; else what the latest source of the same site was given
    (publisher, language, kind, the party its publisher speaks for), if any."""
    url = (url or "").strip()
    existing = Source.objects.filter(url=url).first() if url else None
    if existing:
        return {"existing": {"id": existing.pk, "label": str(existing)}}
    latest = Source.objects.from_site(url).order_by("-published_on", "-id").first()
    if latest is None:
        return {"existing": None, "site": site_of(url)}
    return {
        "existing": None,
        "site": site_of(url),
        "publisher": latest.publisher,
        "language": latest.language,
        "kind": latest.kind,
        "affiliated_party": latest.affiliated_party_id,
    }


def autocomplete(model, field_name: str, form_field: forms.Field, can_add: bool = False) -> forms.Widget:
    """Return the admin's autocomplete chooser for the foreign key `field_name` of `model`."""
    model_field = model._meta.get_field(field_name)
    widget = AutocompleteSelect(model_field, admin.site, choices=form_field.choices)
    if not can_add:
        return widget
    return RelatedFieldWidgetWrapper(
        widget,
        model_field.remote_field,
        admin.site,
        can_add_related=True,
        can_change_related=False,
        can_delete_related=False,
        can_view_related=False,
    )


class NewSourceFieldsMixin(forms.Form):
    """A source chosen among the recorded ones, or added with the entry (saved with it)."""

    new_source_url = forms.CharField(
        label=_("or add a source: web address"),
        required=False,
        max_length=1000,
        help_text=_("An address already recorded is used as it is. Leave empty for a source known by outlet and date."),
    )
    new_source_publisher = forms.CharField(
        label=_("publisher"),
        required=False,
        max_length=200,
        help_text=_("Filled in from earlier sources of the same site; check it."),
    )
    new_source_title = forms.CharField(label=_("title"), required=False, max_length=500)
    new_source_published_on = forms.DateField(label=_("published on"), required=False)
    new_source_precision = forms.ChoiceField(
        label=_("publication date precision"), choices=DatePrecision.choices, initial=DatePrecision.DAY, required=False
    )
    new_source_language = forms.CharField(
        label=_("language"), required=False, max_length=16, initial=settings.LANGUAGE_CODE
    )
    new_source_kind = forms.ChoiceField(
        label=_("kind of source"), choices=Source.Kind.choices, initial=Source.Kind.NEWS_REPORT, required=False
    )
    new_source_affiliated_party = forms.ModelChoiceField(
        label=_("its publisher speaks for"),
        queryset=Party.objects.all(),
        required=False,
        help_text=_("A government, its ministries, its state media; empty for an independent publisher."),
    )

    new_source: Source | None = None

    def resolve_source(self, chosen: Source | None, source_field: str) -> Source | None:
        """Return the source of the entry: the chosen one, the recorded one with the typed address,
        or a new Source (validated, saved by save_new_source()); add errors where it fails."""
        data = self.cleaned_data
        given = any(data.get(name) for name in NEW_SOURCE_GIVEN)
        if chosen is not None:
            if given:
                self.add_error("new_source_url", _("Choose a recorded source or add a new one, not both."))
            return chosen
        if not given:
            self.add_error(source_field, _("Choose the source, or add a new one below."))
            return None
        url = (data.get("new_source_url") or "").strip()
        existing = Source.objects.filter(url=url).first() if url else None
        if existing:
            return existing
        suggested = suggest_for_url(url) if url else {}
        publisher = data.get("new_source_publisher") or suggested.get("publisher", "")
        affiliated = data.get("new_source_affiliated_party")
        if affiliated is None and suggested.get("affiliated_party") and not data.get("new_source_publisher"):
            affiliated = Party.objects.filter(pk=suggested["affiliated_party"]).first()
        source = Source(
            url=url,
            publisher=publisher,
            title=data.get("new_source_title") or "",
            published_on=data.get("new_source_published_on"),
            published_on_precision=data.get("new_source_precision") or DatePrecision.DAY,
            language=data.get("new_source_language") or suggested.get("language", ""),
            kind=data.get("new_source_kind") or suggested.get("kind", Source.Kind.NEWS_REPORT),
            affiliated_party=affiliated,
        )
        try:
            source.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(NEW_SOURCE_FIELDS.get(name), messages)
            return None
        self.new_source = source
        return source

    def save_new_source(self) -> None:
        if self.new_source is not None and self.new_source.pk is None:
            self.new_source.save()

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.new_source is not None and self.new_source.pk is None:
            exclude.add("source")  # validated on its own (resolve_source); saved with the entry
        return exclude


class CorrectionFieldsMixin(forms.Form):
    """A correction says so, names the published entry it corrects and says why."""

    is_correction = forms.BooleanField(
        label=_("This corrects an earlier entry"),
        required=False,
        help_text=_("Name the entry it corrects and say what was wrong with it; both stay on record."),
    )

    def clean_correction(self, cleaned: dict) -> None:
        corrects = cleaned.get("corrects")
        reason = (cleaned.get("correction_reason") or "").strip()
        if (cleaned.get("is_correction") or reason) and corrects is None and "corrects" not in self.errors:
            self.add_error(
                "corrects",
                _(
                    "A correction names the entry it corrects: choose it (by its commitment, status or "
                    "position, date and words)."
                ),
            )
        if corrects is not None and not reason:
            self.add_error("correction_reason", _("Say what was wrong with the entry this one corrects."))
        if corrects is not None and not corrects.is_published():
            self.add_error("corrects", _("Only a published entry is corrected; a draft is revised by its author."))
        commitment = cleaned.get("commitment")
        if corrects is not None and commitment is not None and corrects.commitment_id != commitment.pk:
            self.add_error("corrects", _("A correction must be about the same commitment."))


class AssessmentForm(CorrectionFieldsMixin, forms.ModelForm):
    """An assessment (status update) of a commitment; its evidence comes in the rows below."""

    precision = forms.ChoiceField(
        label=_("Date precision"),
        required=False,
        choices=[("", _("As precise as the sources"))] + list(DatePrecision.choices),
        help_text=_("Sources that give only the month date the assessment to the month."),
    )

    class Meta:
        model = StatusUpdate
        fields = [
            "commitment",
            "status",
            "as_of",
            "summary",
            "incidents",
            "is_correction",
            "corrects",
            "correction_reason",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "correction_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "as_of": _("Leave empty to date it as of its newest source's publication."),
            "summary": _("The assessment in your words: what the sources show about the commitment."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "as_of" in self.fields:  # absent on a view-only page
            self.fields["as_of"].required = False
        if self.instance.pk and "precision" in self.fields:
            self.fields["precision"].initial = self.instance.as_of_precision

    def clean(self):
        cleaned = super().clean()
        self.clean_correction(cleaned)
        # An assessment rests only on incidents of its own agreement (StatusUpdate.incidents_problem).
        incidents, commitment = cleaned.get("incidents"), cleaned.get("commitment")
        if incidents and commitment is not None:
            if problem := StatusUpdate(commitment=commitment).incidents_problem(incidents):
                self.add_error("incidents", problem)
        # None: as precise as the sources (StatusUpdate.record); the evidence rows check a choice.
        chosen = cleaned.get("precision") or None
        self.instance.as_of_precision = chosen or (self.instance.as_of_precision if self.instance.pk else None)
        return cleaned

    def save(self, commit: bool = True) -> StatusUpdate:
        update = super().save(commit=False)
        if commit:
            update.save()
        return update


class EvidenceRecordForm(NewSourceFieldsMixin, forms.ModelForm):
    """A quoted passage of a source (chosen, or added here) and whose words it is."""

    class Meta:
        model = Evidence
        fields = ["source", "quote", "is_verbatim", "speech_kind", "speaker"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:  # absent on a view-only page
            self.fields["source"].required = False
        if "speech_kind" in self.fields:  # whose words: said, for every piece of evidence
            self.fields["speech_kind"].required = True

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed() and self.empty_permitted:
            return cleaned
        cleaned["source"] = self.resolve_source(cleaned.get("source"), "source")
        return cleaned

    def save(self, commit: bool = True) -> Evidence:
        self.save_new_source()
        if self.new_source is not None or self.cleaned_data.get("source") is not None:
            self.instance.source = self.cleaned_data["source"]
        return super().save(commit=commit)


class EvidenceRecordFormSet(forms.BaseInlineFormSet):
    """The evidence rows of an assessment: at least one; the assessment no more precise than them."""

    def clean(self) -> None:
        super().clean()
        precision = getattr(self.instance, "as_of_precision", None)
        if not precision:
            return
        sources = [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]
        finest = finest_precision(source.published_on_precision for source in sources)
        if sources and is_finer(precision, finest):
            raise ValidationError(
                _("Its sources date it no more precisely than '%(precision)s'.")
                % {"precision": DatePrecision(finest).label}
            )

    def sources(self) -> list[Source]:
        return [
            form.cleaned_data["source"]
            for form in self.forms
            if form.cleaned_data.get("source") and not form.cleaned_data.get("DELETE")
        ]


def date_from_sources(update: StatusUpdate, sources: list[Source]) -> None:
    """Date an assessment left undated as of its newest source, no more precisely than that source."""
    if update.as_of or not sources:
        return
    newest = max(sources, key=lambda source: source.published_on)
    update.as_of = newest.published_on
    if not update.as_of_precision:
        update.as_of_precision = newest.published_on_precision


class ClaimRecordForm(CorrectionFieldsMixin, NewSourceFieldsMixin, forms.ModelForm):
    """What a party's speaker said about a commitment: the party (a state or organisation) and the
    speaker (a person in an office who speaks for it), the quote, its source."""

    stated_on_precision = forms.ChoiceField(
        label=_("date precision"),
        required=False,
        choices=[("", _("As precise as the source"))] + list(DatePrecision.choices),
    )

    class Meta:
        model = Claim
        fields = [
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
            "is_correction",
            "corrects",
            "correction_reason",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "quote": forms.Textarea(attrs={"rows": 3}),
            "correction_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "party": _("The state or organisation the claim is made for (leave empty: the speaker's)."),
            "speaker": _("The person who spoke, in their office: search by name, office or party."),
            "stated_on": _("Leave empty to date it as its source."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("party", "source", "stated_on", "stated_on_precision"):
            if name in self.fields:
                self.fields[name].required = False
        if "speech_kind" in self.fields:
            self.fields["speech_kind"].required = True

    def clean(self):
        cleaned = super().clean()
        speaker = cleaned.get("speaker")
        if cleaned.get("party") is None and speaker is not None:
            cleaned["party"] = speaker.party
            self.instance.party = speaker.party
        if cleaned.get("party") is None and "party" not in self.errors:
            self.add_error("party", _("Choose the party, or the speaker who speaks for it."))
        source = self.resolve_source(cleaned.get("source"), "source")
        cleaned["source"] = source
        if source is not None:
            self.instance.source = source
            if not cleaned.get("stated_on"):
                cleaned["stated_on"] = self.instance.stated_on = source.published_on
            if not cleaned.get("stated_on_precision"):
                cleaned["stated_on_precision"] = self.instance.stated_on_precision = source.published_on_precision
        self.clean_correction(cleaned)
        return cleaned

    def save(self, commit: bool = True) -> Claim:
        self.save_new_source()
        self.instance.source = self.cleaned_data["source"]
        return super().save(commit=commit)


class DeadlineChangeRecordForm(NewSourceFieldsMixin, forms.ModelForm):
    """An agreed change of a commitment's deadline, with the source that reports it."""

    class Meta:
        model = DeadlineChange
        fields = ["commitment", "new_deadline", "decided_on", "requested_by", "agreed_by", "reason", "source", "quote"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 2}), "quote": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            self.fields["source"].required = False

    def clean(self):
        cleaned = super().clean()
        source = self.resolve_source(cleaned.get("source"), "source")
        cleaned["source"] = source
        if source is not None:
            self.instance.source = source
        return cleaned

    def save(self, commit: bool = True) -> DeadlineChange:
        self.save_new_source()
        self.instance.source = self.cleaned_data["source"]
        return super().save(commit=commit)

"""The monitors' side of review before publication (commitments/review.py holds the rule).

- ReviewableAdmin: a draft opens editable for its author only; every other entry, and every
  published one, opens as a view-only page with no Save button. The page of a draft shows where
  it stands (awaiting review, or sent back with the reviewer's comment) and, to a second monitor,
  the buttons to publish it or send it back. Nothing unchanged is saved or logged.
- review_queue: every draft of the monitor's agreements awaiting a second monitor, and the
  monitor's own drafts with what reviewers said.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_scope import visible_to
from .models import Agreement, Reviewable, ReviewState
from .review import (
    RECORD_KINDS,
    ReviewConflict,
    publish,
    queue_counts,
    resubmit,
    review_refusal,
    self_publishing_allowed,
    send_back,
)


def is_autocomplete(request) -> bool:
    """Return True if the admin is answering a chooser (its autocomplete view), not a list page."""
    return request.path == reverse("admin:autocomplete")


def is_own_draft(request, obj) -> bool:
    """Return True if `obj` is an unpublished entry of the requesting monitor (they may revise it)."""
    return (
        obj is not None
        and not obj.is_published()
        and obj.recorded_by_id == request.user.pk
        and request.user.has_perm(f"{obj._meta.app_label}.add_{obj._meta.model_name}")
    )


def chooser_label(obj) -> str:
    """Return how choosers show `obj`: its chooser_label() when it has one (commitments, parties,
    speakers, entries), else its name."""
    label = getattr(obj, "chooser_label", None)
    return label() if label else str(obj)


class ChooserLabelsMixin:
    """Foreign-key and many-to-many choices (selects and autocomplete choosers alike) show each
    option as a monitor needs to recognise it (chooser_label)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(db_field.related_model, "chooser_label"):
            field.label_from_instance = chooser_label
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(db_field.related_model, "chooser_label"):
            field.label_from_instance = chooser_label
        return field


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to send it back: say what to check or change."),
    )


class ReviewableAdmin(ChooserLabelsMixin):
    """Drafts, review and view-only recorded entries, for the admin of a Reviewable model."""

    change_form_template = "admin/commitments/reviewable_change_form.html"
    review_fields = ["review_state", "recorded_by", "recorded_at", "reviewed_by", "reviewed_at", "review_comment"]

    # Recorded entries never change; a draft changes in its author's hands only.
    def has_change_permission(self, request, obj=None) -> bool:
        return is_own_draft(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_autocomplete(request):
            # A correction names a published entry; a draft is revised by its author instead.
            queryset = queryset.published()
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "corrects" and field is not None:
            field.queryset = field.queryset.published()
        return field

    @admin.display(description=_("review"), ordering="review_state")
    def review(self, entry: Reviewable) -> str:
        if entry.is_published():
            return entry.get_published_via_display() or entry.get_review_state_display()
        return entry.get_review_state_display()

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/review/",
                self.admin_site.admin_view(self.review_view),
                name=f"{opts.app_label}_{opts.model_name}_review",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(review_context(request, obj))
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    def response_add(self, request, obj, post_url_continue=None):
        if "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        opts = obj._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        messages.success(
            request,
            format_html(
                _(
                    "Saved as a draft: <a href='{}'>{}</a>. Only monitors can see it until a second monitor "
                    "publishes it (the review queue lists it)."
                ),
                url,
                chooser_label(obj),
            ),
        )
        if "_addanother" in request.POST:
            add = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            # The next entry about the same commitment (an incident: of the same agreement).
            if commitment_id := getattr(obj, "commitment_id", None):
                return HttpResponseRedirect(f"{add}?commitment={commitment_id}")
            return HttpResponseRedirect(f"{add}?agreement={obj.agreement_id}" if hasattr(obj, "agreement_id") else add)
        return HttpResponseRedirect(url)

    # --- a draft's author revises it ----------------------------------------------------

    def save_model(self, request, obj, form, change) -> None:
        if change:
            if not form.has_changed():
                return  # nothing to save, nothing to log
            resubmit(obj)  # a revised draft goes back in the queue
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if change and not formset.has_changed():
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # the change message
            return
        if change and not form.has_changed() and formset.instance.review_state == ReviewState.RETURNED:
            resubmit(formset.instance)
            formset.instance.save()
        super().save_formset(request, form, formset, change)

    def log_change(self, request, obj, message):
        if not message:
            return None  # "No fields changed." is not a change: the history stays as it was
        return super().log_change(request, obj, message)

    # --- review -----------------------------------------------------------------------

    def review_view(self, request, object_id):
        """Publish a draft, or send it back to its author with a comment (POST only)."""
        return _review(self, request, object_id)


def _review(model_admin: ReviewableAdmin, request, object_id):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    entry = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    opts = entry._meta
    page = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[entry.pk])
    form = ReviewForm(request.POST)
    form.is_valid()
    now = timezone.now()
    try:
        if "_publish" in request.POST:
            publish(entry, by=request.user, now=now)
            messages.success(
                request,
                format_html(
                    _("Published: {}. The public pages, feeds, exports and alerts now include it."),
                    chooser_label(entry),
                ),
            )
            return HttpResponseRedirect(reverse("admin:review_queue"))
        if "_send_back" in request.POST:
            comment = form.cleaned_data.get("comment", "")
            if not comment.strip():
                messages.error(request, _("Say what the author should check or change: the comment is required."))
                return HttpResponseRedirect(page)
            send_back(entry, by=request.user, comment=comment, now=now)
            messages.success(request, _("Sent back to its author with your comment. It stays unpublished."))
            return HttpResponseRedirect(reverse("admin:review_queue"))
    except ReviewConflict as conflict:
        messages.error(request, str(conflict))
        return HttpResponseRedirect(page)
    except PermissionDenied as refused:
        messages.error(request, str(refused))
        return HttpResponseRedirect(page)
    raise Http404("Choose to publish or to send back.")


def review_context(request, obj) -> dict:
    """What the page of an entry says about its review, and whether the user may review it."""
    if obj is None or not isinstance(obj, Reviewable):
        return {"reviewable": True, "is_draft_page": False}
    refusal = review_refusal(request.user, obj)
    opts = obj._meta
    return {
        "reviewable": True,
        "entry": obj,
        "is_draft_page": not obj.is_published(),
        "entry_label": chooser_label(obj),
        "may_review": refusal is None,
        "review_refusal": refusal if not obj.is_published() else None,
        "review_form": ReviewForm(),
        "review_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_review", args=[obj.pk]),
        "self_publishing": self_publishing_allowed(),
        "is_author": obj.recorded_by_id == request.user.pk,
    }


def review_queue(request, admin_site):
    """Every draft of the monitor's agreements awaiting a second monitor, and their own drafts."""
    kinds = RECORD_KINDS.values()
    if not any(request.user.has_perm(f"{kind.opts.app_label}.view_{kind.opts.model_name}") for kind in kinds):
        raise PermissionDenied
    agreements = Agreement.objects.visible_to(request.user)
    sections = []
    for kind in RECORD_KINDS.values():
        opts = kind.opts
        rows = visible_to(kind.rows().filter(**{f"{kind.agreement_path}__in": agreements.values("pk")}), request)
        awaiting = rows.awaiting_review().order_by("recorded_at", "pk")
        if not self_publishing_allowed():
            others = awaiting.exclude(recorded_by=request.user)
        else:
            others = awaiting
        own = rows.unpublished().filter(recorded_by=request.user).order_by("-review_state", "recorded_at", "pk")
        change = f"admin:{opts.app_label}_{opts.model_name}_change"
        sections.append(
            {
                "kind": kind,
                "to_review": [(entry, reverse(change, args=[entry.pk]), chooser_label(entry)) for entry in others],
                "own": [(entry, reverse(change, args=[entry.pk]), chooser_label(entry)) for entry in own],
                "add_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            }
        )
    context = {
        **admin_site.each_context(request),
        "title": _("Review queue"),
        "sections": sections,
        "self_publishing": self_publishing_allowed(),
        "total": sum(len(section["to_review"]) for section in sections),
    }
    return TemplateResponse(request, "admin/commitments/review_queue.html", context)


def desk(user) -> dict:
    """What the admin index's monitoring desk shows: where to record, how much awaits review."""
    counts = queue_counts(user)
    returned = {
        slug: kind.model.objects.filter(review_state=ReviewState.RETURNED, recorded_by=user).count()
        for slug, kind in RECORD_KINDS.items()
    }
    kinds = []
    for slug, kind in RECORD_KINDS.items():
        opts = kind.opts
        if not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
            continue
        kinds.append(
            {
                "kind": kind,
                "add_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
                "awaiting": counts[slug],
                "returned": returned[slug],
            }
        )
    return {
        "kinds": kinds,
        "awaiting": sum(counts.values()),
        "returned": sum(returned.values()),
        "queue_url": reverse("admin:review_queue"),
        "imports": [
            (kind.label_plural, reverse(f"admin:{kind.opts.app_label}_{kind.opts.model_name}_import"))
            for kind in RECORD_KINDS.values()
            if kind.importable and user.has_perm(f"{kind.opts.app_label}.add_{kind.opts.model_name}")
        ],
    }

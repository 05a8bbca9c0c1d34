"""How the list pages present the filters of the domain (commitments.filters): the commitment list's
(CommitmentFilter) and the incident log's (IncidentFilter)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from commitments.filters import CommitmentFilter, IncidentFilter
from commitments.models import Commitment, Incident


class DateInput(forms.DateInput):
    input_type = "date"


class FastSelect(forms.Select):
    """Django's <select> for a single choice, with its options written in Python: the list's agreement
    and party menus hold hundreds of options, and building each option's context (optgroups()) and
    rendering it cost more than the rest of the form. Groups of choices are not supported."""

    def render(self, name, value, attrs=None, renderer=None):
        # As Select.optgroups: the first option whose value is among the field's values is selected.
        wanted, selected = set(self.format_value(value)), False
        options = []
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            is_selected = not selected and text in wanted
            selected = selected or is_selected
            mark = " selected" if is_selected else ""
            options.append(f'<option value="{conditional_escape(text)}"{mark}>{conditional_escape(label)}</option>')
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe("".join(options)))


class CommitmentListFilter(CommitmentFilter):
    """The list page's filter form: fast agreement and party menus, date pickers for the
    deadline range, and a rejected date shown empty."""

    WIDGETS = {
        **dict.fromkeys(
            ["agreement", "party", "category", "status", "overdue", "due_soon", "disputed", "contested", "support"],
            FastSelect,
        ),
        "sort": FastSelect,
        "deadline_from": DateInput,
        "deadline_to": DateInput,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, widget in self.WIDGETS.items():
            self.filters[name].extra["widget"] = widget

    @property
    def form(self):
        form = super().form
        if not getattr(form, "prepared_for_the_page", False):
            form.prepared_for_the_page = True
            # The agreement and party menus list hundreds of choices: read as (slug, name) pairs,
            # not a model each. The fields still validate against their querysets.
            for name in ("agreement", "party"):
                field = form.fields[name]
                field.widget.choices = [("", field.empty_label), *field.queryset.menu()]
            # A date input may only hold a valid date (HTML), so a rejected one is shown
            # empty; the error message above the form quotes what was wrong.
            rejected = [name for name in ("deadline_from", "deadline_to") if form.is_bound and name in form.errors]
            if rejected:
                form.data = form.data.copy()
                for name in rejected:
                    form.data[name] = ""
        return form


class IncidentListFilter(IncidentFilter):
    """The incident log's filter form: menus for the agreement, the parties and the commitment (of
    those that bear incidents), date pickers, and a rejected date shown empty."""

    WIDGETS = {
        "agreement": FastSelect,
        "alleged_by": FastSelect,
        "alleged_against": FastSelect,
        "date_from": DateInput,
        "date_to": DateInput,
    }
    DATE_FIELDS = ("date_from", "date_to")

    def __init__(self, *args, hide_agreement: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, widget in self.WIDGETS.items():
            self.filters[name].extra["widget"] = widget
        # The commitment is a number in the URL (and the API); the page offers the commitments that
        # bear incidents by name.
        choices = [("", _("Any commitment"))] + [
            (commitment.pk, f"{commitment.provision.agreement}: {commitment.title}")
            for commitment in Commitment.objects.filter(pk__in=Incident.objects.on_record().values("commitments"))
            .distinct()
            .select_related("provision__agreement")
            .order_by("provision__agreement__title", "provision__position", "pk")
        ]
        self.filters["commitment"].extra.update(widget=FastSelect(choices=choices), help_text="")
        if hide_agreement:  # the agreement's own incident page
            del self.filters["agreement"]

    @property
    def form(self):
        form = super().form
        if form.is_bound and not getattr(form, "invalid_dates_cleared", False):
            form.invalid_dates_cleared = True
            rejected = [name for name in self.DATE_FIELDS if name in form.errors]
            if rejected:
                form.data = form.data.copy()
                for name in rejected:
                    form.data[name] = ""
        return form

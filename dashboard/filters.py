"""How the list pages present the filters of the domain (commitments.filters): the commitment list's
(CommitmentFilter) and the incident log's (IncidentFilter)."""

from __future__ import annotations

import html

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from commitments.filters import CommitmentFilter, IncidentFilter
from commitments.models import Commitment, Incident
from dashboard.fragments import per_data_version


class FastInputMixin:
    """An <input> written in Python, as Django's input.html template writes it (attributes in order,
    True ones bare, False ones left out): the template renderer cost a fifth of the list's form."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        written = "" if widget["value"] is None else f' value="{_escaped(str(widget["value"]))}"'
        for attribute, setting in widget["attrs"].items():
            if setting is True:
                written += f" {attribute}"
            elif setting is not False:
                written += f' {attribute}="{_escaped(str(setting))}"'
        return mark_safe(f'<input type="{_escaped(widget["type"])}" name="{_escaped(widget["name"])}"{written}>')


class TextInput(FastInputMixin, forms.TextInput):
    pass


class DateInput(FastInputMixin, forms.DateInput):
    input_type = "date"


class FastSelect(forms.Select):
    """Django's <select> for a single choice, with its options written in Python: the list's agreement
    and party menus hold hundreds of options, and building each option's context (optgroups()) and
    rendering it cost more than the rest of the form. Groups of choices are not supported.

    `menu`, when set, is the options as (value, label) pairs, used as they are: setting `choices`
    normalizes every pair again (Django's ChoiceWidget), which a menu read from the database
    does not need."""

    menu: list[tuple[str, str]] | None = None

    def render(self, name, value, attrs=None, renderer=None):
        # As Select.optgroups: the first option whose value is among the field's values is selected.
        wanted, selected = set(self.format_value(value)), False
        options = []
        for option_value, label in self.choices if self.menu is None else self.menu:
            text = "" if option_value is None else str(option_value)
            is_selected = not selected and text in wanted
            selected = selected or is_selected
            mark = " selected" if is_selected else ""
            options.append(f'<option value="{_escaped(text)}"{mark}>{_escaped(label)}</option>')
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, mark_safe("".join(options)))


def _escaped(value) -> str:
    """Return `value` escaped for HTML unless it is safe already: conditional_escape(), without the
    check for lazy arguments that it makes on each call (a menu escapes a thousand values)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


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
        "q": TextInput,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, widget in self.WIDGETS.items():
            self.filters[name].extra["widget"] = widget

    def get_form_class(self):
        # django-filter builds a form class, and a form field for each filter, for every request;
        # here neither depends on the request (labels are translated as they are written), so the
        # class is built once. Each form still gets its own copy of the fields, as any Django form.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = type(self)._form_class = super().get_form_class()
        return form_class

    @property
    def form(self):
        form = super().form
        if not getattr(form, "prepared_for_the_page", False):
            form.prepared_for_the_page = True
            # The agreement and party menus list hundreds of choices: read as (slug, name) pairs,
            # not a model each, once per data version. The fields still validate against their
            # querysets.
            for name in ("agreement", "party"):
                field = form.fields[name]
                menu = per_data_version(self.request, f"commitment-list-{name}-menu", field.queryset.menu)
                field.widget.menu = [("", field.empty_label), *menu]
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

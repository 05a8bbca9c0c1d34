"""How the list page presents the commitment filters (commitments.filters.CommitmentFilter)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from commitments.filters import CommitmentFilter


class DateInput(forms.DateInput):
    input_type = "date"


class FastSelect(forms.Select):
    """Django's <select>, with its options written in Python: the list's agreement and party
    menus hold hundreds of options, and a template per option made the page slow."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class CommitmentListFilter(CommitmentFilter):
    """The list page's filter form: fast agreement and party menus, date pickers for the
    deadline range, and a rejected date shown empty."""

    WIDGETS = {"agreement": FastSelect, "party": FastSelect, "deadline_from": DateInput, "deadline_to": DateInput}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, widget in self.WIDGETS.items():
            self.filters[name].extra["widget"] = widget

    @property
    def form(self):
        form = super().form
        if form.is_bound and not getattr(form, "invalid_dates_cleared", False):
            form.invalid_dates_cleared = True
            # A date input may only hold a valid date (HTML), so a rejected one is shown
            # empty; the error message above the form quotes what was wrong.
            rejected = [name for name in ("deadline_from", "deadline_to") if name in form.errors]
            if rejected:
                form.data = form.data.copy()
                for name in rejected:
                    form.data[name] = ""
        return form

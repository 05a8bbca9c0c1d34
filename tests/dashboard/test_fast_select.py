"""The list's fast <select> and inputs render the same HTML as Django's own."""

import datetime as dt

import pytest
from django import forms
from django.test.html import parse_html

from dashboard.filters import DateInput, FastSelect, TextInput

CHOICES = [
    ("", "All agreements"),
    ("karabakh-2020", "Nagorno-Karabakh <2020> & after"),
    ("other", "Other"),
    (7, "Seven"),
]


def test_it_renders_what_djangos_select_renders_with_the_choice_selected_and_text_escaped():
    attrs = {"id": "id_agreement", "aria-describedby": "id_agreement_helptext"}

    fast = FastSelect(choices=CHOICES).render("agreement", "karabakh-2020", attrs)
    django = forms.Select(choices=CHOICES).render("agreement", "karabakh-2020", attrs)

    assert parse_html(fast) == parse_html(django)
    assert "&lt;2020&gt; &amp; after" in fast


@pytest.mark.parametrize("value", [None, "", "other", 7, "7", "no such choice"])
def test_it_selects_what_djangos_select_selects(value):
    fast = FastSelect(choices=CHOICES, attrs={"class": "menu"}).render("agreement", value)
    django = forms.Select(choices=CHOICES, attrs={"class": "menu"}).render("agreement", value)

    assert parse_html(fast) == parse_html(django)


def test_only_the_first_of_two_options_with_the_selected_value_is_selected_as_in_django():
    twice = [("a", "First"), ("a", "Again")]

    fast = FastSelect(choices=twice).render("menu", "a")

    assert parse_html(fast) == parse_html(forms.Select(choices=twice).render("menu", "a"))
    assert fast.count("selected") == 1


def test_a_menu_set_as_pairs_renders_what_the_same_choices_render():
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    pairs = [("", gettext_lazy("All agreements")), *CHOICES[1:], ("safe", mark_safe("<b>Safe</b>"))]
    fast = FastSelect()
    fast.menu = pairs

    assert fast.render("agreement", "other") == FastSelect(choices=pairs).render("agreement", "other")
    assert parse_html(fast.render("agreement", "other")) == parse_html(
        forms.Select(choices=pairs).render("agreement", "other")
    )


@pytest.mark.parametrize(
    ("fast", "django"), [(TextInput, forms.TextInput), (DateInput, forms.DateInput)], ids=["text", "date"]
)
@pytest.mark.parametrize("value", [None, "", 'words <b> & "quotes"', dt.date(2020, 11, 25)])
def test_the_fast_inputs_write_what_djangos_inputs_write(fast, django, value):
    attrs = {"id": "id_q", "placeholder": "Search <here>", "required": True, "disabled": False}
    expected = django(attrs={"class": "x"}).render("q", value, attrs)
    if django is forms.DateInput:
        expected = expected.replace('type="text"', 'type="date"')  # the list's date inputs are pickers

    assert fast(attrs={"class": "x"}).render("q", value, attrs) == expected

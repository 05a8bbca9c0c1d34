"""The list's fast <select> renders the same HTML as Django's own."""

from django import forms
from django.test.html import parse_html

from dashboard.filters import FastSelect

CHOICES = [("", "All agreements"), ("karabakh-2020", "Nagorno-Karabakh <2020> & after"), ("other", "Other")]


def test_it_renders_what_djangos_select_renders_with_the_choice_selected_and_text_escaped():
    attrs = {"id": "id_agreement", "aria-describedby": "id_agreement_helptext"}

    fast = FastSelect(choices=CHOICES).render("agreement", "karabakh-2020", attrs)
    django = forms.Select(choices=CHOICES).render("agreement", "karabakh-2020", attrs)

    assert parse_html(fast) == parse_html(django)
    assert "&lt;2020&gt; &amp; after" in fast

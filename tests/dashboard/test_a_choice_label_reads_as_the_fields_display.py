"""The choice_label filter (a long list's labels without get_FOO_display()'s cost) gives the words
get_FOO_display() gives, for every choice of the fields the lists show, in every language the site speaks."""

from django.conf import settings
from django.utils import translation

from commitments.models import Claim, Commitment
from dashboard.templatetags.display import choice_label

FIELDS = [(Commitment, "category"), (Commitment, "deadline_kind"), (Commitment, "current_status"), (Claim, "position")]


def test_each_choice_reads_as_get_foo_display():
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for model, name in FIELDS:
                for value, _label in model._meta.get_field(name).flatchoices:
                    instance = model(**{name: value})
                    assert choice_label(instance, name) == getattr(instance, f"get_{name}_display")()


def test_a_value_outside_the_choices_reads_as_itself_like_get_foo_display():
    commitment = Commitment(category="unknown")
    assert choice_label(commitment, "category") == commitment.get_category_display() == "unknown"

"""The status_label filter (a long status history's labels without get_status_display()'s cost)
gives the words get_status_display() gives, in every language the site speaks."""

from django.conf import settings
from django.utils import translation

from commitments.models import Status, StatusUpdate
from dashboard.templatetags.display import status_label


def test_each_status_reads_as_get_status_display():
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for status in Status.values:
                assert status_label(status) == StatusUpdate(status=status).get_status_display()


def test_a_value_outside_the_scale_reads_as_itself_like_get_status_display():
    assert status_label("unknown") == StatusUpdate(status="unknown").get_status_display() == "unknown"

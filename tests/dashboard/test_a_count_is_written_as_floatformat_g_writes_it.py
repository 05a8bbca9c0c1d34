"""The pages write their counts with the `count` filter, which must write what Django's
{{ n|floatformat:"g" }} writes: grouped thousands in the reader's locale."""

import pytest
from django.template.defaultfilters import floatformat
from django.utils import translation

from dashboard.templatetags.display import count


@pytest.mark.parametrize("language", ["en", "de", "fr", "hi"])
@pytest.mark.parametrize("number", [0, 7, 999, 1000, 12_345, 1_234_567, -1, -1000, -54_321, None, 2.5, True])
def test_a_count_is_written_as_floatformat_g_writes_it(language, number):
    with translation.override(language):
        assert count(number) == floatformat(number, "g")

"""format_date() remembers what it formatted (a commitment's history formats some fifty dates);
what it remembers must follow the active language, never the first one that asked."""

import datetime as dt

from django.utils import translation

from commitments.models import DatePrecision, format_date


def test_a_date_formatted_once_is_formatted_again_in_another_language():
    day = dt.date(2020, 12, 7)
    assert format_date(day) == "Dec. 7, 2020"
    with translation.override("fr"):
        assert format_date(day) == "7 décembre 2020"
        assert format_date(day, DatePrecision.MONTH) == "décembre 2020"
    assert format_date(day) == "Dec. 7, 2020"
    assert format_date(day, DatePrecision.MONTH) == "December 2020"

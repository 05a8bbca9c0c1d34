import pytest
from django.test import override_settings

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


@override_settings(LANGUAGES=[("en", "English"), ("de", "German")])
def test_dates_follow_the_readers_locale(client):
    data = karabakh_like()

    english = client.get(data.agreement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    german = client.get(data.agreement.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Nov. 9, 2020" in english
    assert "9. November 2020" in german
    assert 'lang="de"' in german

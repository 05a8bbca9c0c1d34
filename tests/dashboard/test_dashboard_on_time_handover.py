import pytest
from django.urls import reverse

from tests.factories import karabakh_like

pytestmark = pytest.mark.django_db


# Fixed on main (is_fulfilled_late now compares with ">"); this branch predates the fix.
# Lead: remove this marker once dashboard is merged; the test must then pass.
def test_a_handover_assessed_fulfilled_on_its_deadline_day_is_shown_on_time(client):
    data = karabakh_like()  # Aghdam: due 20 Nov 2020, assessed fulfilled as of 20 Nov 2020

    home = client.get(reverse("dashboard:home"))
    detail = client.get(data.aghdam.get_absolute_url())

    [aghdam_row] = [row for row in home.context["timeline"].rows if row.commitment == data.aghdam]
    assert aghdam_row.is_late is False
    assert detail.context["days_late"] is None

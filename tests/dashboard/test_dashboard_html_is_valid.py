"""Every public page is valid HTML, by the Nu Html Checker (vnu.jar from npm's vnu-jar; needs Java)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from commitments.models import Commitment, Incident
from commitments.seeding import load_agreement_file
from tests.conftest import skip_or_fail
from tests.factories import karabakh_like

pytestmark = [pytest.mark.services, pytest.mark.django_db]

SEED = Path(__file__).resolve().parents[2] / "seeds" / "karabakh-2020.yaml"
VNU = Path(__file__).resolve().parents[2] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_public_page_is_valid_html(client, tmp_path):
    java = shutil.which("java")
    if not java:
        skip_or_fail("Java is not installed (the Nu Html Checker needs it)")
    if not VNU.exists():
        skip_or_fail(f"the Nu Html Checker is missing at {VNU} (run npm ci)")
    data = karabakh_like()
    load_agreement_file(SEED)  # the seed: terms that ended, contested, corrections, speakers
    seed = {
        code: Commitment.objects.get(code=code).get_absolute_url()
        for code in ("peacekeeping-mandate", "refugee-return")
    }
    pages = {
        "seed-mandate": seed["peacekeeping-mandate"],
        "seed-contested": seed["refugee-return"],
        "home": reverse("dashboard:home"),
        "list": reverse("dashboard:commitment_list"),
        "list-invalid": reverse("dashboard:commitment_list") + "?status=x&deadline_from=31.02.2020&page=x",
        "disputed": data.prisoners.get_absolute_url(),
        "extended": data.kalbajar.get_absolute_url(),
        "overdue": data.route.get_absolute_url(),
        "agreement": data.agreement.get_absolute_url(),
        "sources": reverse("dashboard:source_list"),
        "source": reverse("dashboard:source_detail", args=[data.azatutyun.pk]),
        "methodology": reverse("dashboard:methodology"),
        "corrections": reverse("dashboard:corrections"),
        "incidents": reverse("dashboard:incident_list"),
        "incidents-filtered": reverse("dashboard:agreement_incident_list", args=[data.agreement.slug])
        + "?verification=x&date_from=31.02.2020",
        "incident": data.shelling.get_absolute_url(),
        "seed-incident": Incident.objects.get(location="Lachin corridor").get_absolute_url(),
    }
    files = []
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))

    result = subprocess.run(
        [java, "-jar", str(VNU), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )

    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert [(Path(m.get("url", "")).name, m.get("lastLine"), m["message"]) for m in messages] == []

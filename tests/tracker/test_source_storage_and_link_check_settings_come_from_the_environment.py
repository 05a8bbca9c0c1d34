"""Where stored copies of sources are kept, who may download them and how the link check behaves
come from the environment: a local folder under MEDIA_ROOT by default, any storage backend by name."""

import json
import os
import subprocess
import sys

from django.conf import settings

BASE_ENV = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "tracker.settings", "SECRET_KEY": "k"}
PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.STORAGES['source_snapshots'], s.SOURCE_SNAPSHOTS_PUBLIC, s.SOURCE_LINK_CHECK_TIMEOUT, "
    "s.SOURCE_LINK_CHECK_USER_AGENT, s.SOURCE_LINK_CHECK_LOOPBACK_ONLY]))"
)


def start(**env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        env={**BASE_ENV, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_by_default_copies_go_to_a_folder_under_media_root_and_only_monitors_download_them():
    result = start(MEDIA_ROOT="/srv/tracker-media")

    assert result.returncode == 0, result.stderr
    storage, public, timeout, user_agent, loopback_only = json.loads(result.stdout)
    assert storage == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/tracker-media/source-snapshots"},
    }
    assert (public, timeout, loopback_only) == (False, 15, False)
    assert user_agent.startswith("CeasefireTracker-LinkCheck/")


def test_any_storage_backend_can_be_named_with_its_options():
    options = {"bucket_name": "tracker-snapshots", "location": "sources"}
    result = start(
        SOURCE_SNAPSHOTS_STORAGE="storages.backends.s3.S3Storage",
        SOURCE_SNAPSHOTS_STORAGE_OPTIONS=json.dumps(options),
        SOURCE_SNAPSHOTS_PUBLIC="true",
    )

    storage, public, *_ = json.loads(result.stdout)
    assert storage == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    assert public is True


def test_bad_storage_options_stop_start_up_naming_the_variable():
    for value in ("{not json", "[1, 2]"):
        result = start(SOURCE_SNAPSHOTS_STORAGE_OPTIONS=value)

        assert result.returncode != 0
        assert "SOURCE_SNAPSHOTS_STORAGE_OPTIONS must be a JSON object" in result.stderr

"""Without EMAIL_HOST, alerts are written as .eml files a newcomer can open."""

import email

from django.core.mail import EmailMultiAlternatives, get_connection


def test_each_message_becomes_one_eml_file_in_the_mail_folder(tmp_path, settings):
    settings.MAIL_DIR = tmp_path / "mail"
    connection = get_connection("alerts.mail.EmlFileBackend")
    messages = []
    for number in range(2):
        message = EmailMultiAlternatives(
            f"Alert {number}",
            "Plain text",
            to=[f"r{number}@example.org"],
            headers={"List-Unsubscribe": "<https://tracker.example/u/>"},
        )
        message.attach_alternative("<p>HTML</p>", "text/html")
        messages.append(message)
    assert connection.send_messages(messages) == 2
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 2
    parsed = sorted((email.message_from_bytes(path.read_bytes()) for path in files), key=lambda m: m["Subject"])
    assert [m["Subject"] for m in parsed] == ["Alert 0", "Alert 1"]
    assert parsed[0]["List-Unsubscribe"] == "<https://tracker.example/u/>"
    assert [part.get_content_type() for part in parsed[0].walk()][1:] == ["text/plain", "text/html"]


def test_the_default_backend_is_the_mail_folder_unless_email_host_is_set():
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND)"
    env = {"DJANGO_SETTINGS_MODULE": "tracker.settings", "SECRET_KEY": "x", "PATH": ""}
    default = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    smtp = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "EMAIL_HOST": "smtp.example.org"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert default.stdout.strip() == "alerts.mail.EmlFileBackend"
    assert smtp.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"

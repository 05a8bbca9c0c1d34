"""An email backend for the embedded default: one .eml file per message in settings.MAIL_DIR.

Django's file backend appends a whole connection's messages to one .log file; a
newcomer can double-click an .eml file and read the alert in any mail program.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *args, mail_dir: str | Path | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.mail_dir = Path(mail_dir or settings.MAIL_DIR)

    def send_messages(self, email_messages: list[EmailMessage]) -> int:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            if not message.recipients():
                continue
            name = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
            # Write under a temporary name, then rename: a reader never sees half a message.
            partial = self.mail_dir / f".{name}.part"
            partial.write_bytes(message.message().as_bytes())
            partial.rename(self.mail_dir / name)
            sent += 1
        return sent

"""The signed links in emails: confirming a subscription, and unsubscribing.

The salts keep the values they had when these links were first sent, so links already
in people's inboxes keep working.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

CONFIRM_SALT = "commitments.alerts.confirm"
UNSUBSCRIBE_SALT = "commitments.alerts.unsubscribe"


def confirmation_token(choices: dict) -> str:
    """Return a token carrying a subscription request's address and choices."""
    return signing.dumps(choices, salt=CONFIRM_SALT, compress=True)


def read_confirmation(token: str) -> tuple[dict, dt.datetime]:
    """Return the choices a confirmation link carries and when it was issued; raise
    signing.BadSignature if it is forged or expired.

    The issue time is the signed timestamp inside every link (so links already sent carry it
    too): an unsubscribe after it wins over the link (subscriptions.confirm_subscription).
    """
    choices = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.ALERTS_CONFIRM_MAX_AGE)
    timestamp = signing.b62_decode(token.rsplit(signing.Signer().sep, 2)[1])
    return choices, dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def unsubscribe_token(kind: str, pk: int) -> str:
    """Return a token naming a recipient: ("monitor", user id), ("subscriber", subscriber id) or
    ("endpoint", webhook endpoint id)."""
    return signing.dumps([kind, pk], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe(token: str) -> tuple[str, int]:
    """Return (kind, pk) from an unsubscribe link; raise signing.BadSignature if forged. Links do not expire."""
    kind, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return kind, int(pk)

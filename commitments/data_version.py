"""What the public sees changes when the data changes or when a deadline day ends.

The dashboard's page cache and the open data's ETags both key on these two things:
the data version (one row, bumped inside every write of what the public sees) and the
quarter hour of UTC the clock is in (within it no derived state can change).
"""

from __future__ import annotations

import datetime as dt

from .models import (
    Agreement,
    AgreementEvent,
    AgreementLink,
    AgreementText,
    CasualtyReport,
    Claim,
    Commitment,
    DataVersion,
    DeadlineChange,
    Evidence,
    Incident,
    IncidentEvidence,
    Party,
    Provision,
    Source,
    SourceCheck,
    SourceSnapshot,
    Speaker,
    StatusUpdate,
    VersionDeadline,
)

# Writes of these models move the data version (signals connected in apps.py).
TRACKED_MODELS = [
    Party,
    Speaker,
    Source,
    SourceSnapshot,
    SourceCheck,
    Agreement,
    AgreementText,
    AgreementEvent,
    AgreementLink,
    Provision,
    Commitment,
    VersionDeadline,
    DeadlineChange,
    StatusUpdate,
    Evidence,
    Claim,
    Incident,
    IncidentEvidence,
    CasualtyReport,
]

# Derived states (overdue, due soon, days overdue, the current term of a mandate) change
# when a day ends in an agreement's time zone. Every zone's midnight falls on a quarter
# hour of UTC (offsets are multiples of 15 minutes), so within one quarter hour the
# states cannot change.
STATE_CLOCK_STEP = dt.timedelta(minutes=15)


def data_version() -> str:
    """Return a string that changes whenever anything the public sees is written."""
    return str(DataVersion.current())


def quarter_hour(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return the start and end of the quarter hour of UTC that `now` falls in."""
    step = STATE_CLOCK_STEP.total_seconds()
    start = dt.datetime.fromtimestamp(now.timestamp() // step * step, dt.UTC)
    return start, start + STATE_CLOCK_STEP

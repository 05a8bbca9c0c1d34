"""Alerts: deadline events, recipients and the outbox.

Detecting a change and notifying about it are separate steps (as in healthchecks'
Flip): flagging.flag_deadline_events() writes DeadlineEvent rows and, in the same
transaction, one AlertDelivery row per recipient; sending.send_pending_alerts()
later claims and sends the deliveries.

These models were first created in the commitments app; their tables were renamed
from commitments_* to alerts_* by migration 0002 (README, "Upgrading").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models import Agreement, Commitment, DeadlineChange, Party


class DeadlineEvent(models.Model):
    """A change of a commitment's deadline state, recorded once by the flagging job."""

    class Kind(models.TextChoices):
        WENT_OVERDUE = "went_overdue", _("Went overdue")
        FULFILLED_LATE = "fulfilled_late", _("Fulfilled after being overdue")
        EXTENDED = "extended", _("No longer overdue: deadline changed")
        ENDED = "ended", _("Ended while overdue")
        DUE_SOON = "due_soon", _("Deadline due soon")
        NOTICE_DUE_SOON = "notice_due_soon", _("Notice deadline due soon")

    # Kinds that close an open "went overdue" episode (each episode at most once).
    CLOSING_KINDS = frozenset({Kind.FULFILLED_LATE, Kind.EXTENDED, Kind.ENDED})

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="deadline_events")
    # The commitment's agreement and category when the event was recorded: what the alerts'
    # recipients are matched on (flagging.followers_sql), read without joining each event to its
    # commitment. Plain copies (no constraint, no index): the commitment's own key keeps the rows.
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        editable=False,
    )
    category = models.CharField(max_length=32, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    deadline = models.DateField(
        help_text=_("The deadline in force the event is about (for notice reminders: the notice deadline).")
    )
    deadline_ends_at = models.DateTimeField(help_text=_("The instant that deadline ends in the agreement's zone."))
    occurred_at = models.DateTimeField(
        help_text=_("When the change happened: the deadline's end for 'went overdue', else when it was noticed.")
    )
    detected_at = models.DateTimeField(help_text=_("When the flagging job recorded it."))
    offset_days = models.PositiveSmallIntegerField(
        default=0, help_text=_("For reminders: sent this many days before the deadline.")
    )
    days_overdue = models.PositiveIntegerField(null=True, blank=True)
    days_late = models.PositiveIntegerField(null=True, blank=True)
    new_deadline = models.DateField(
        null=True, blank=True, help_text=_("For 'deadline changed': the deadline now in force, if any.")
    )
    closes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closed_by",
        help_text=_("The 'went overdue' event this one ends; one-to-one, so two runs cannot close it twice."),
    )
    # False until the job has written this event's deliveries; both happen in one
    # transaction, so a True here means the outbox rows exist.
    alerts_queued = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            # Two runs at once (or a retry) record an opening event or a reminder once.
            models.UniqueConstraint(
                fields=["commitment", "kind", "deadline", "offset_days"],
                condition=Q(kind__in=["went_overdue", "due_soon", "notice_due_soon"]),
                name="deadline_event_once_per_deadline",
            ),
        ]
        indexes = [
            # The flagging job looks up open overdue episodes and unqueued events.
            models.Index(fields=["kind", "commitment"], name="deadline_event_kind_commitment"),
            # Events recorded without their alerts (none, normally): the flagging job looks for them each run.
            models.Index(fields=["id"], condition=Q(alerts_queued=False), name="deadline_event_unqueued"),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.get_kind_display()} ({self.deadline})"

    def save(self, *args, **kwargs) -> None:
        if self.agreement_id is None:  # the job writes them; an event saved one by one takes them here
            self.agreement_id, self.category = Commitment.objects.values_list("provision_agreement", "category").get(
                pk=self.commitment_id
            )
        super().save(*args, **kwargs)

    def deadline_change(self) -> DeadlineChange | None:
        """Return the agreed deadline change that set the deadline this event is about, if any.

        For "deadline changed" that is the change to the new deadline; for the others the change
        that made `deadline` the deadline in force (the latest one to that date).
        """
        deadline = self.new_deadline if self.kind == self.Kind.EXTENDED else self.deadline
        if deadline is None or self.kind == self.Kind.NOTICE_DUE_SOON:
            return None
        return (
            DeadlineChange.objects.published()
            .filter(commitment_id=self.commitment_id, new_deadline=deadline)
            .select_related("requested_by", "source")
            .prefetch_related("agreed_by")
            .order_by("-decided_on", "-id")
            .first()
        )

    def was_caused_by_deadline_change(self, change: DeadlineChange | None) -> bool:
        """Return True if `change` (this event's deadline_change()) is why the event happened: a
        changed deadline, or a deadline already past (or inside the reminder window) when the
        change was published, so that publishing it is what made the event."""
        if change is None:
            return False
        if self.kind == self.Kind.EXTENDED:
            return True
        if self.kind == self.Kind.WENT_OVERDUE:
            return change.published_at() >= self.deadline_ends_at
        if self.kind == self.Kind.DUE_SOON:
            return change.published_at() >= self.deadline_ends_at - dt.timedelta(days=self.offset_days)
        return False

    def was_fulfilled_late(self) -> bool:
        """Return True if this closing event found the commitment fulfilled after its deadline
        (Commitment.is_fulfilled_late() when it was flagged; days_late holds by how much)."""
        return self.kind == self.Kind.FULFILLED_LATE and self.days_late is not None


class FlagWatermark(models.Model):
    """How far the flagging job has looked: one row, updated in each run's transaction, never
    moved backwards. Incremental runs read only what changed after it (alerts/flagging.py)."""

    flagged_until = models.DateTimeField(null=True, help_text=_("The time of the latest completed run."))
    full_sweep_at = models.DateTimeField(null=True, help_text=_("The time of the latest full sweep."))

    SINGLETON = 1

    def __str__(self) -> str:
        return f"flagged until {self.flagged_until}, full sweep at {self.full_sweep_at}"

    @classmethod
    def lock(cls) -> FlagWatermark:
        """Return the row, locked until the transaction ends (on PostgreSQL; SQLite's writers take
        turns anyway): runs at once take turns, each reading what the one before it recorded."""
        watermark = cls.objects.select_for_update().filter(pk=cls.SINGLETON).first()
        if watermark is None:  # the first run ever (or a test database flushed of the migration's row)
            cls.objects.bulk_create([cls(pk=cls.SINGLETON)], ignore_conflicts=True)
            watermark = cls.objects.select_for_update().get(pk=cls.SINGLETON)
        return watermark

    def needs_full_sweep(self, now: dt.datetime) -> bool:
        """Return True if a run at `now` must read everything: no run yet, or the last full sweep
        older than ALERTS_FULL_SWEEP_INTERVAL."""
        interval = dt.timedelta(seconds=settings.ALERTS_FULL_SWEEP_INTERVAL)
        return self.flagged_until is None or self.full_sweep_at is None or self.full_sweep_at <= now - interval

    def changed_since(self) -> dt.datetime:
        """Return the moment an incremental run reads changes from: the last run, less ALERTS_FLAG_LOOKBACK."""
        return self.flagged_until - dt.timedelta(seconds=settings.ALERTS_FLAG_LOOKBACK)

    def advance(self, now: dt.datetime, *, full_sweep: bool) -> None:
        """Record a run at `now` (a full sweep or not); never move backwards."""
        self.flagged_until = max(self.flagged_until or now, now)
        if full_sweep:
            self.full_sweep_at = max(self.full_sweep_at or now, now)
        self.save(update_fields=["flagged_until", "full_sweep_at"])


class FollowerQuerySet(models.QuerySet):
    """Subscribers or webhook endpoints: both follow by the same choices."""

    def refresh_follow_scope(self) -> int:
        """Store, for each of these followers, whether it chose categories and whether it chose
        nothing at all, which means everything (the rule of Follower.chose_nothing, in SQL): one UPDATE.
        Called in the transaction of every write of the choices (the followers' save, the
        m2m signals, deleting a followed agreement or party: alerts/apps.py), so the flagging job
        reads the few followers of everything from an index instead of every follower."""
        chose_agreements, chose_parties = (
            relation.through.objects.filter(**{relation.field.m2m_field_name(): OuterRef("pk")})
            for relation in (self.model.agreements, self.model.parties)
        )
        no_categories = Q(categories=[])
        return self.update(
            follows_categories=models.ExpressionWrapper(~no_categories, output_field=models.BooleanField()),
            follows_everything=models.ExpressionWrapper(
                no_categories & ~Exists(chose_agreements) & ~Exists(chose_parties), output_field=models.BooleanField()
            ),
        )


class Follower(models.Model):
    """What a subscriber and a webhook endpoint follow: agreements, parties (as responsible) and
    categories; one who chose none follows everything. The concrete models add the relations."""

    categories = models.JSONField(default=list, blank=True, help_text=_("Commitment categories followed."))
    # Stored forms of the choices (FollowerQuerySet.refresh_follow_scope), for the flagging job's SQL.
    follows_categories = models.BooleanField(default=False, editable=False)
    follows_everything = models.BooleanField(default=True, editable=False)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            super().save(*args, **kwargs)
            update_fields = kwargs.get("update_fields")
            if update_fields is None or "categories" in update_fields:
                self.refresh_follow_scope()

    def refresh_follow_scope(self) -> None:
        type(self).objects.filter(pk=self.pk).refresh_follow_scope()
        self.refresh_from_db(fields=["follows_categories", "follows_everything"])

    def chose_nothing(self) -> bool:
        """Return True if the follower chose nothing in particular, which means everything.
        Reads prefetched relations (the stored form: follows_everything)."""
        return not (self.agreements.all() or self.parties.all() or self.categories)

    def follows(self, commitment: Commitment) -> bool:
        """Return True if alerts about `commitment` go to this follower.

        A commitment is followed if it belongs to a followed agreement, names a followed
        party as responsible, or is in a followed category. Reads prefetched relations.
        (The same rule for many followers at once, in SQL: alerts.flagging.followers_sql.)
        """
        if self.chose_nothing():
            return True
        party_ids = {party.pk for party in commitment.responsible_parties.all()}
        return (
            any(agreement.pk == commitment.provision.agreement_id for agreement in self.agreements.all())
            or any(party.pk in party_ids for party in self.parties.all())
            or commitment.category in self.categories
        )


class Subscriber(Follower):
    """A member of the public who confirmed (double opt-in) that they want alerts."""

    email = models.EmailField(unique=True, help_text=_("Stored lower-case."))
    confirmed_at = models.DateTimeField(help_text=_("When the address owner clicked the confirmation link."))
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="subscribers")
    parties = models.ManyToManyField(Party, blank=True, related_name="subscribers")

    class Meta:
        ordering = ["email"]
        indexes = [
            models.Index(fields=["id"], condition=Q(follows_everything=True), name="subscriber_follows_everything"),
            # The flagging job reads the followers of categories from this index alone: their
            # categories and the address it writes (alerts/flagging.py followers_sql).
            models.Index(
                fields=["id", "categories", "email"],
                condition=Q(follows_categories=True),
                name="subscriber_follows_categories",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class MonitorSubscription(models.Model):
    """A staff monitor's opt-in to alerts about one agreement."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monitor_subscriptions")
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="monitor_subscriptions")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["agreement", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "agreement"], name="monitor_subscription_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.agreement}"


class WebhookEndpoint(Follower):
    """A URL that receives every followed alert as a signed JSON POST (Standard Webhooks).

    Registered by a monitor in the admin (owner: the monitor) or by a member of the public on
    /alerts/webhooks/ with the same email double opt-in as subscriptions (owner: that address).
    The follow choices mean what a subscriber's mean: none chosen is everything.
    """

    url = models.URLField(max_length=2000, help_text=_("https only; it must resolve to a public address."))
    description = models.CharField(max_length=200, blank=True)
    # The signing key, "whsec_" + base64. Shown once, when the endpoint is registered.
    secret = models.CharField(max_length=100, editable=False)
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        help_text=_("The monitor who registered it; alerts follow what that monitor may see."),
    )
    owner_email = models.EmailField(blank=True, help_text=_("Who hears when it is disabled (public endpoints)."))
    agreements = models.ManyToManyField(Agreement, blank=True, related_name="webhook_endpoints")
    parties = models.ManyToManyField(Party, blank=True, related_name="webhook_endpoints")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    is_active = models.BooleanField(
        default=True, help_text=_("Disabled endpoints get nothing; re-enable, then requeue what gave up.")
    )
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_reason = models.TextField(blank=True, editable=False)
    # Failed attempts in a row; a success resets it. At ALERTS_WEBHOOK_DISABLE_AFTER it is disabled.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Public registration: a hash of the confirmation link, so pressing it twice registers once.
    registration_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["url", "id"]
        indexes = [
            models.Index(fields=["id"], condition=Q(follows_everything=True), name="webhook_follows_everything"),
            models.Index(fields=["id"], condition=Q(follows_categories=True), name="webhook_follows_categories"),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    def owner_address(self) -> str:
        """Return the address that hears about this endpoint (disabled, registered)."""
        return self.monitor.email if self.monitor_id else self.owner_email


class OptOut(models.Model):
    """An address's owner stopped alerts at this moment: confirmation links sent before it are refused.

    Holds a keyed hash of the address, not the address. Kept as long as confirmation links live.
    """

    email_key = models.CharField(max_length=64, db_index=True)
    opted_out_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Opt-out at {self.opted_out_at:%Y-%m-%d %H:%M}"


class AlertDeliveryQuerySet(models.QuerySet):
    def ready_to_send(self, now: dt.datetime, claim_timeout: dt.timedelta) -> AlertDeliveryQuerySet:
        """Return deliveries a sender may claim at `now`: pending and due, or claimed by a
        sender that has not finished within `claim_timeout` (it crashed or was killed)."""
        return self.filter(
            Q(status=AlertDelivery.Status.PENDING, next_attempt_at__lte=now)
            | Q(status=AlertDelivery.Status.SENDING, claimed_at__lte=now - claim_timeout)
        )

    def gave_up(self) -> AlertDeliveryQuerySet:
        """Return the deliveries the sender gave up on (they wait for a requeue)."""
        return self.filter(status=AlertDelivery.Status.FAILED)

    def requeue(self, now: dt.datetime) -> int:
        """Put given-up deliveries back in the outbox, due at `now`, with a fresh retry budget.
        Return how many. A conditional update: requeuing twice, or a row that was sent meanwhile,
        sends nothing twice."""
        return self.gave_up().update(
            status=AlertDelivery.Status.PENDING,
            next_attempt_at=now,
            attempts=0,
            claim_token="",
            requeued_at=now,
        )


class AlertDelivery(models.Model):
    """One alert about one deadline event to one recipient, by email or webhook: the outbox row.

    States (docs/alerts.md draws them): pending -> sending -> sent; sending -> pending (failed,
    retried later) or gave up (attempts spent, a permanent refusal, or its endpoint disabled);
    gave up -> pending (requeued); pending -> cancelled (recipient unsubscribed or deleted).
    A sending row whose sender died is taken over after ALERTS_CLAIM_TIMEOUT.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEBHOOK = "webhook", _("Webhook")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Gave up")
        CANCELLED = "cancelled", _("Cancelled: recipient unsubscribed")

    event = models.ForeignKey(DeadlineEvent, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    to_email = models.EmailField(blank=True, help_text=_("Email: lower-case; one delivery per address per event."))
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        help_text=_("Webhook: one delivery per endpoint per event."),
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    monitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert_deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    # Indexed with status: the sender's claim query filters on both.
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=64, blank=True, help_text=_("Which sender run holds the claim."))
    sent_at = models.DateTimeField(null=True, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    requeued_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was last put back after a give-up."))
    last_error = models.TextField(blank=True)

    objects = AlertDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "alert deliveries"
        permissions = [("requeue_alertdelivery", "Can requeue given-up alert deliveries")]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "to_email"], condition=Q(channel="email"), name="alert_delivery_once_per_address"
            ),
            models.UniqueConstraint(
                fields=["event", "endpoint"], condition=Q(channel="webhook"), name="alert_delivery_once_per_endpoint"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="alert_delivery_status_next")]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient()} ({self.get_status_display()})"

    def recipient(self) -> str:
        """Return who gets it: the address, or the endpoint's URL."""
        if self.channel == self.Channel.WEBHOOK:
            return self.endpoint.url if self.endpoint_id else "(endpoint deleted)"
        return self.to_email

    def message_id(self, domain: str) -> str:
        """Return the Message-ID of this delivery's email: the same for every attempt, so a
        receiving system can drop a resent copy."""
        return f"<alert-{self.event_id}-{self.pk}@{domain}>"

    def webhook_id(self) -> str:
        """Return the webhook-id of this delivery: the same for every attempt (receivers dedupe on it)."""
        return f"msg_alert_{self.event_id}_{self.pk}"


class SubscribeRequest(models.Model):
    """A request on the public subscription page, kept a day for the rate limits.

    Holds keyed hashes of the client address and the email address, not the values.
    """

    client_key = models.CharField(max_length=64, db_index=True)
    email_key = models.CharField(max_length=64, db_index=True)
    requested_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"Subscription request at {self.requested_at:%Y-%m-%d %H:%M}"


class JobRun(models.Model):
    """The last run of each scheduled job, with its counts, for the health endpoint.

    One row per job, overwritten by each run; the history of runs is in the logs
    (one structured line per run).
    """

    name = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    counts = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"{self.name} at {self.finished_at:%Y-%m-%d %H:%M:%S}"


# --- Keeping the stored follow scope true (connected in alerts/apps.py) ----------------------

FOLLOWER_MODELS = (Subscriber, WebhookEndpoint)


def refresh_follow_scope_on_m2m(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """A follower's agreements or parties changed, from either side of the relation."""
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            instance.refresh_follow_scope()
        return
    # From the agreement's or party's side: `model` is the follower model, `pk_set` the followers.
    if action == "pre_clear":
        instance._cleared_followers = list(_followers_of(model, instance))
    elif action == "post_clear":
        model.objects.filter(pk__in=getattr(instance, "_cleared_followers", [])).refresh_follow_scope()
    elif action in ("post_add", "post_remove"):
        model.objects.filter(pk__in=pk_set).refresh_follow_scope()


def remember_followers_before_delete(sender, instance, **kwargs) -> None:
    """An agreement or a party is about to be deleted: its followers' choices lose it (the
    relation's rows go with it, without m2m signals), so note who they are."""
    instance._followers = {model: list(_followers_of(model, instance)) for model in FOLLOWER_MODELS}


def refresh_followers_after_delete(sender, instance, **kwargs) -> None:
    for model, pks in getattr(instance, "_followers", {}).items():
        model.objects.filter(pk__in=pks).refresh_follow_scope()


def _followers_of(model: type[Follower], instance: Agreement | Party):
    field = "agreements" if isinstance(instance, Agreement) else "parties"
    return model.objects.filter(**{field: instance}).values_list("pk", flat=True)

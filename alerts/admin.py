"""Admin for alerts: monitors opt in per agreement, register webhook endpoints, see how each
alert was delivered, and requeue what gave up."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.html import format_html

from commitments.admin_scope import AgreementScopedMixin, scope_by_agreement

from . import webhooks
from .models import AlertDelivery, DeadlineEvent, MonitorSubscription, Subscriber, WebhookEndpoint

scope_by_agreement(DeadlineEvent, "commitment__provision__agreement")
scope_by_agreement(AlertDelivery, "event__commitment__provision__agreement")
scope_by_agreement(MonitorSubscription, "agreement")


@admin.register(MonitorSubscription)
class MonitorSubscriptionAdmin(AgreementScopedMixin, admin.ModelAdmin):
    """A monitor sees and manages only their own opt-ins; superusers see everyone's."""

    list_display = ["agreement", "user", "created_at"]
    list_select_related = ["agreement", "user"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        return ["user", "agreement"] if request.user.is_superuser else ["agreement"]

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser or not obj.user_id:
            obj.user = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(AgreementScopedMixin, admin.ModelAdmin):
    """Rows written by the flagging job and the sender; people only read them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AlertDeliveryInline(AgreementScopedMixin, admin.TabularInline):
    model = AlertDelivery
    fields = ["to_email", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DeadlineEvent)
class DeadlineEventAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "kind", "deadline", "occurred_at", "detected_at", "alerts_queued"]
    list_filter = ["kind", "commitment__provision__agreement"]
    list_select_related = ["commitment"]
    search_fields = ["commitment__title", "commitment__code"]
    date_hierarchy = "detected_at"
    inlines = [AlertDeliveryInline]


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["recipient", "channel", "event", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    list_filter = ["status", "channel", "event__kind", "event__commitment__provision__agreement"]
    list_select_related = ["event__commitment", "endpoint"]
    search_fields = ["to_email", "endpoint__url", "event__commitment__title"]
    date_hierarchy = "created_at"
    actions = ["requeue"]

    @admin.action(permissions=["requeue"], description="Requeue the selected deliveries that gave up")
    def requeue(self, request, queryset):
        """Put given-up rows back in the outbox; the sender's next run delivers them (others are left as they are)."""
        selected = queryset.count()
        requeued = queryset.requeue(timezone.now())
        skipped = selected - requeued
        self.message_user(request, f"Requeued {requeued} given-up deliveries; the next sender run sends them.")
        if skipped:
            self.message_user(request, f"{skipped} selected deliveries had not given up and were left.", messages.INFO)

    def has_requeue_permission(self, request) -> bool:
        return request.user.has_perm("alerts.requeue_alertdelivery")


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        max_length=2000, assume_scheme="https", help_text=WebhookEndpoint._meta.get_field("url").help_text
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "agreements", "parties", "categories", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        webhooks.validate_webhook_url(url)
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """A monitor registers and manages their own endpoints (superusers see all). The secret is
    shown once, when the endpoint is added; alerts follow what the monitor may see."""

    form = WebhookEndpointForm
    list_display = ["url", "description", "owner", "is_active", "consecutive_failures", "last_success_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "description", "owner_email"]
    filter_horizontal = ["agreements", "parties"]
    readonly_fields = [
        "owner",
        "created_at",
        "consecutive_failures",
        "last_success_at",
        "disabled_at",
        "disabled_reason",
    ]

    @admin.display(description="owner")
    def owner(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.owner_address() or "—"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("monitor")
        return queryset if request.user.is_superuser else queryset.filter(monitor=request.user)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "categories":
            from commitments.models import Commitment

            field = forms.TypedMultipleChoiceField(
                choices=Commitment.Category.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                help_text="None chosen (and no agreement or party): everything you may see.",
            )
        return field

    def save_model(self, request, obj, form, change):
        if not change:
            obj.monitor = request.user
            obj.secret = webhooks.new_secret()
        if change and "is_active" in form.changed_data and obj.is_active:
            # Re-enabled: start counting failures afresh.
            obj.consecutive_failures, obj.disabled_at, obj.disabled_reason = 0, None, ""
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                format_html("The signing secret of this endpoint, shown only this once: <code>{}</code>", obj.secret),
                messages.WARNING,
            )


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Public subscribers; only superusers (no Monitors permission) see these addresses."""

    list_display = ["email", "confirmed_at"]
    search_fields = ["email"]
    filter_horizontal = ["agreements", "parties"]
    readonly_fields = ["confirmed_at"]

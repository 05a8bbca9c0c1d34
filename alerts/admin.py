"""Admin for alerts: monitors opt in per agreement and see how each alert was delivered."""

from django.contrib import admin

from commitments.admin_scope import AgreementScopedMixin, scope_by_agreement

from .models import AlertDelivery, DeadlineEvent, MonitorSubscription, Subscriber

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
    list_display = ["to_email", "event", "status", "attempts", "sent_at", "next_attempt_at", "last_error"]
    list_filter = ["status", "event__kind", "event__commitment__provision__agreement"]
    list_select_related = ["event__commitment"]
    search_fields = ["to_email", "event__commitment__title"]
    date_hierarchy = "created_at"


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Public subscribers; only superusers (no Monitors permission) see these addresses."""

    list_display = ["email", "confirmed_at"]
    search_fields = ["email"]
    filter_horizontal = ["agreements", "parties"]
    readonly_fields = ["confirmed_at"]

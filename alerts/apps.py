from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, pre_delete


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Deadline alerts"

    def ready(self) -> None:
        # Imported here, not at the top: models can only be imported once apps are loaded.
        from commitments.models import Agreement, Party

        from .models import (
            FOLLOWER_MODELS,
            refresh_follow_scope_on_m2m,
            refresh_followers_after_delete,
            remember_followers_before_delete,
        )

        # The stored follow scope (FollowerQuerySet.refresh_follow_scope) follows every write of the
        # choices, inside the writing transaction.
        for model in FOLLOWER_MODELS:
            for name in ("agreements", "parties"):
                m2m_changed.connect(
                    refresh_follow_scope_on_m2m,
                    sender=getattr(model, name).through,
                    dispatch_uid=f"follow-scope-{model.__name__}-{name}",
                )
        for model in (Agreement, Party):
            pre_delete.connect(
                remember_followers_before_delete, sender=model, dispatch_uid=f"followers-{model.__name__}"
            )
            post_delete.connect(
                refresh_followers_after_delete, sender=model, dispatch_uid=f"follow-scope-{model.__name__}"
            )

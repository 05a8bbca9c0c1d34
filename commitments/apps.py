from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class CommitmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commitments"
    verbose_name = "Ceasefire commitments"

    def ready(self) -> None:
        # Imported here, not at the top: models can only be imported once apps are loaded.
        from . import search
        from .data_version import TRACKED_MODELS
        from .models import Claim, Commitment, DataVersion, StatusUpdate, refresh_after_delete

        # Every write of what the public pages show moves the data version (page cache, ETags);
        # a draft's does not (commitments/review.py publishes it and moves the version then).
        for model in TRACKED_MODELS:
            for signal in (post_save, post_delete):
                signal.connect(
                    DataVersion.bump_unless_draft, sender=model, dispatch_uid=f"data-version-{signal}-{model.__name__}"
                )
            for field in model._meta.many_to_many:
                m2m_changed.connect(
                    DataVersion.bump_unless_draft,
                    sender=field.remote_field.through,
                    dispatch_uid=f"data-version-m2m-{field}",
                )

        # Deleting an assessment, a claim or a commitment changes stored states (models.refresh_after_delete).
        for model in (StatusUpdate, Claim, Commitment):
            post_delete.connect(refresh_after_delete, sender=model, dispatch_uid=f"stored-states-{model.__name__}")

        # The search index follows every write of what it holds, inside the writing transaction.
        for label in sorted(search.watched_models()):
            model = self.apps.get_model(label)
            for signal in (post_save, post_delete):
                signal.connect(search.on_write, sender=model, dispatch_uid=f"search-{signal}-{label}")

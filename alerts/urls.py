from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/subscribe/", views.subscribe, name="subscribe"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("alerts/webhooks/", views.webhook_register, name="webhook_register"),
    path("alerts/webhooks/confirm/<str:token>/", views.webhook_confirm, name="webhook_confirm"),
]

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("agreements", views.AgreementViewSet, basename="agreement")
router.register("provisions", views.ProvisionViewSet, basename="provision")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("status-updates", views.StatusUpdateViewSet, basename="statusupdate")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("sources", views.SourceViewSet, basename="source")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("search", views.SearchViewSet, basename="search")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]

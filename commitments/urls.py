from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("commitments/", views.CommitmentListView.as_view(), name="commitment_list"),
    path("commitments/<int:pk>/", views.CommitmentDetailView.as_view(), name="commitment_detail"),
    path("agreements/<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("sources/", views.SourceListView.as_view(), name="source_list"),
    path("sources/<int:pk>/", views.SourceDetailView.as_view(), name="source_detail"),
]

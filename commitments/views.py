from django.views.generic import DetailView

from .models import Agreement, Commitment


class AgreementDetailView(DetailView):
    model = Agreement


class CommitmentDetailView(DetailView):
    model = Commitment

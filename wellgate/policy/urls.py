"""The policy app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.policy import views

urlpatterns = [
    path("policy/", views.policy_detail, name="policy"),
    path("policy/edit/", views.policy_edit, name="policy_edit"),
    path(
        "policy/proposals/<int:proposal_id>/approve/",
        views.policy_proposal_approve,
        name="policy_proposal_approve",
    ),
    path(
        "policy/proposals/<int:proposal_id>/reject/",
        views.policy_proposal_reject,
        name="policy_proposal_reject",
    ),
]

"""The pathway app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.pathway import views

urlpatterns = [
    path("people/<int:person_id>/pathway/", views.pathway_detail, name="pathway"),
    path(
        "people/<int:person_id>/pathway/timeline/",
        views.pathway_timeline,
        name="pathway_timeline",
    ),
    path("people/<int:person_id>/pathway/record/", views.pathway_record, name="pathway_record"),
    path("people/<int:person_id>/pathway/decide/", views.pathway_decide, name="pathway_decide"),
    path("people/<int:person_id>/pathway/readiness/", views.readiness, name="pathway_readiness"),
    path("people/<int:person_id>/pathway/pause/", views.pause, name="pathway_pause"),
    path("people/<int:person_id>/pathway/step-back/", views.step_back, name="pathway_step_back"),
    path("people/<int:person_id>/pathway/resume/", views.resume, name="pathway_resume"),
    path("people/<int:person_id>/pathway/leave/", views.leave, name="pathway_leave"),
    path("team/pathway/", views.team_pathway, name="team_pathway"),
    path("guidance/", views.guidance, name="guidance"),
    path("guidance/acknowledge/", views.guidance_acknowledge, name="guidance_acknowledge"),
    path("guidance/edit/", views.guidance_edit, name="guidance_edit"),
]

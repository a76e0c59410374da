"""The checkins app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.checkins import views

urlpatterns = [
    path("checkins/", views.checkins, name="checkins"),
    path("checkins/skip/", views.checkin_skip, name="checkin_skip"),
    path("checkins/nudge/", views.checkin_nudge, name="checkin_nudge"),
    path("checkins/results/<int:checkin_id>/", views.checkin_result, name="checkin_result"),
    path("checkins/take/<slug:instrument_id>/", views.checkin_form, name="checkin_form"),
    path("people/<int:person_id>/checkins/", views.person_checkins, name="person_checkins"),
    path("welfare/checkins/", views.force_checkins, name="force_checkins"),
]

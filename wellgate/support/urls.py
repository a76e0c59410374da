"""The support app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.support import views

urlpatterns = [
    path("support/", views.my_support, name="my_support"),
    path("support/time-away/", views.time_away, name="time_away"),
    path("support/welfare-day/", views.welfare_day, name="welfare_day"),
    path("support/calendar/", views.calendar_manage, name="calendar_manage"),
    path("support/coping/", views.coping, name="coping"),
    path("support/coping/helpful/", views.coping_helpful, name="coping_helpful"),
    path("support/contacts/", views.contacts, name="support_contacts"),
    path("support/obligations/", views.obligation_act, name="obligation_act"),
    path("support/team/", views.team_support, name="team_support"),
    path("support/force/", views.force_support, name="force_support"),
    path("support/force/psych/", views.psych, name="psych"),
    path("support/force/psych/attendance/", views.psych_attendance, name="psych_attendance"),
    path("support/escalations/", views.escalations, name="escalations"),
    path("people/<int:person_id>/support/", views.person_support, name="person_support"),
    path("people/<int:person_id>/support/notes/", views.person_notes, name="person_notes"),
    path("people/<int:person_id>/support/meeting/", views.meeting_new, name="meeting_new"),
    path(
        "people/<int:person_id>/support/observation/",
        views.observation_new,
        name="observation_new",
    ),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

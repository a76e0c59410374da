"""The people app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.people import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("role/", views.role_switch, name="role_switch"),
    path("people/<int:person_id>/", views.person_detail, name="person"),
    path("people/<int:person_id>/access-log/", views.access_log, name="access_log"),
    path("welfare/access-log/", views.force_access_log, name="force_access_log"),
    path("me/tokens/", views.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("manage/people/", views.manage_people, name="manage_people"),
    path("manage/people/new/", views.manage_person_new, name="manage_person_new"),
    path("manage/people/<int:person_id>/", views.manage_person, name="manage_person"),
    path("manage/teams/", views.manage_teams, name="manage_teams"),
    path("role-requests/", views.role_requests, name="role_requests"),
    path(
        "role-requests/<int:role_request_id>/decide/",
        views.role_request_decide,
        name="role_request_decide",
    ),
]

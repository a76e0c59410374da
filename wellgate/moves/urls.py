"""The moves app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.moves import views

urlpatterns = [
    path("moves/", views.request_list, name="move_list"),
    path("moves/leave/", views.leave, name="move_leave"),
    path("moves/summary/", views.summary, name="move_summary"),
    path("moves/<int:request_id>/", views.request_detail, name="move_request"),
    path("moves/<int:request_id>/act/", views.request_act, name="move_act"),
    path("moves/<int:request_id>/withdraw/", views.withdraw, name="move_withdraw"),
]

"""The flags app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.flags import views

urlpatterns = [
    path("flags/<int:flag_id>/", views.flag_detail, name="flag"),
    path("flags/<int:flag_id>/take-over/", views.flag_take_over, name="flag_take_over"),
    path("flags/<int:flag_id>/note/", views.flag_note, name="flag_note"),
    path("flags/<int:flag_id>/close/", views.flag_close, name="flag_close"),
]

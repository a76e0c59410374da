"""The exposure app's pages (the root ``wellgate/urls.py`` includes them)."""

from __future__ import annotations

from django.urls import path

from wellgate.exposure import views

urlpatterns = [
    path("people/<int:person_id>/exposure/", views.exposure_list, name="exposure"),
    path("people/<int:person_id>/exposure/log/", views.session_log, name="exposure_log"),
    path("people/<int:person_id>/exposure/timer/", views.timer, name="exposure_timer"),
    path("team/exposure/", views.team_exposure, name="team_exposure"),
    path("cases/", views.cases, name="cases"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/packages/new/", views.package_new, name="package_new"),
    path("cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path("work-packages/<int:package_id>/assign/", views.package_assign, name="package_assign"),
]

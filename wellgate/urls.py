from __future__ import annotations

from django.urls import include, path

from wellgate.api import api
from wellgate.notify import views as notify
from wellgate.people import views as people
from wellgate.policy import views as policy

urlpatterns = [
    path("", people.home, name="home"),
    path("healthz", people.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("role/", people.role_switch, name="role_switch"),
    path("people/<int:person_id>/", people.person_detail, name="person"),
    path("people/<int:person_id>/access-log/", people.access_log, name="access_log"),
    path("welfare/access-log/", people.force_access_log, name="force_access_log"),
    path("me/tokens/", people.tokens, name="tokens"),
    path("me/tokens/<int:token_id>/revoke/", people.token_revoke, name="token_revoke"),
    path("inbox/", notify.inbox, name="inbox"),
    path("inbox/read/", notify.mark_read, name="inbox_read"),
    path("policy/", policy.policy_detail, name="policy"),
    path("policy/edit/", policy.policy_edit, name="policy_edit"),
    path("manage/people/", people.manage_people, name="manage_people"),
    path("manage/people/new/", people.manage_person_new, name="manage_person_new"),
    path("manage/people/<int:person_id>/", people.manage_person, name="manage_person"),
    path("manage/teams/", people.manage_teams, name="manage_teams"),
    path("manage/forces/", people.manage_forces, name="manage_forces"),
    path("api/v1/openapi.json", people.openapi_json, name="openapi"),
    path("api/v1/", api.urls),
]

handler403 = "wellgate.errorviews.forbidden"
handler404 = "wellgate.errorviews.not_found"
handler500 = "wellgate.errorviews.server_error"

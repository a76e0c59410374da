from __future__ import annotations

from django.urls import include, path

from wellgate.api import api
from wellgate.checkins import views as checkins
from wellgate.exposure import views as exposure
from wellgate.flags import views as flags
from wellgate.moves import views as moves
from wellgate.notify import views as notify
from wellgate.pathway import views as pathway
from wellgate.people import views as people
from wellgate.policy import views as policy
from wellgate.support import views as support

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
    path(
        "policy/proposals/<int:proposal_id>/approve/",
        policy.policy_proposal_approve,
        name="policy_proposal_approve",
    ),
    path(
        "policy/proposals/<int:proposal_id>/reject/",
        policy.policy_proposal_reject,
        name="policy_proposal_reject",
    ),
    path("manage/people/", people.manage_people, name="manage_people"),
    path("manage/people/new/", people.manage_person_new, name="manage_person_new"),
    path("manage/people/<int:person_id>/", people.manage_person, name="manage_person"),
    path("manage/teams/", people.manage_teams, name="manage_teams"),
    path("role-requests/", people.role_requests, name="role_requests"),
    path(
        "role-requests/<int:role_request_id>/decide/",
        people.role_request_decide,
        name="role_request_decide",
    ),
    path("people/<int:person_id>/pathway/", pathway.pathway_detail, name="pathway"),
    path(
        "people/<int:person_id>/pathway/timeline/",
        pathway.pathway_timeline,
        name="pathway_timeline",
    ),
    path("people/<int:person_id>/pathway/record/", pathway.pathway_record, name="pathway_record"),
    path("people/<int:person_id>/pathway/decide/", pathway.pathway_decide, name="pathway_decide"),
    path("people/<int:person_id>/pathway/readiness/", pathway.readiness, name="pathway_readiness"),
    path("people/<int:person_id>/pathway/pause/", pathway.pause, name="pathway_pause"),
    path("people/<int:person_id>/pathway/step-back/", pathway.step_back, name="pathway_step_back"),
    path("people/<int:person_id>/pathway/resume/", pathway.resume, name="pathway_resume"),
    path("people/<int:person_id>/pathway/leave/", pathway.leave, name="pathway_leave"),
    path("team/pathway/", pathway.team_pathway, name="team_pathway"),
    path("guidance/", pathway.guidance, name="guidance"),
    path("guidance/acknowledge/", pathway.guidance_acknowledge, name="guidance_acknowledge"),
    path("guidance/edit/", pathway.guidance_edit, name="guidance_edit"),
    path("api/v1/openapi.json", people.openapi_json, name="openapi"),
    path("api/v1/", api.urls),
    path("support/", support.my_support, name="my_support"),
    path("support/time-away/", support.time_away, name="time_away"),
    path("support/welfare-day/", support.welfare_day, name="welfare_day"),
    path("support/calendar/", support.calendar_manage, name="calendar_manage"),
    path("support/coping/", support.coping, name="coping"),
    path("support/coping/helpful/", support.coping_helpful, name="coping_helpful"),
    path("support/contacts/", support.contacts, name="support_contacts"),
    path("support/obligations/", support.obligation_act, name="obligation_act"),
    path("support/team/", support.team_support, name="team_support"),
    path("support/force/", support.force_support, name="force_support"),
    path("support/force/psych/", support.psych, name="psych"),
    path("support/force/psych/attendance/", support.psych_attendance, name="psych_attendance"),
    path("support/escalations/", support.escalations, name="escalations"),
    path("people/<int:person_id>/support/", support.person_support, name="person_support"),
    path("people/<int:person_id>/support/notes/", support.person_notes, name="person_notes"),
    path("people/<int:person_id>/support/meeting/", support.meeting_new, name="meeting_new"),
    path(
        "people/<int:person_id>/support/observation/",
        support.observation_new,
        name="observation_new",
    ),
    path("calendar/<str:token>.ics", support.calendar_feed, name="calendar_feed"),
    path("flags/<int:flag_id>/", flags.flag_detail, name="flag"),
    path("flags/<int:flag_id>/take-over/", flags.flag_take_over, name="flag_take_over"),
    path("flags/<int:flag_id>/note/", flags.flag_note, name="flag_note"),
    path("flags/<int:flag_id>/close/", flags.flag_close, name="flag_close"),
    path("people/<int:person_id>/exposure/", exposure.exposure_list, name="exposure"),
    path("people/<int:person_id>/exposure/log/", exposure.session_log, name="exposure_log"),
    path("people/<int:person_id>/exposure/timer/", exposure.timer, name="exposure_timer"),
    path("team/exposure/", exposure.team_exposure, name="team_exposure"),
    path("cases/", exposure.cases, name="cases"),
    path("cases/import/", exposure.case_import, name="case_import"),
    path("cases/<int:case_id>/", exposure.case_detail, name="case"),
    path("cases/<int:case_id>/packages/new/", exposure.package_new, name="package_new"),
    path("cases/<int:case_id>/close/", exposure.case_close, name="case_close"),
    path("work-packages/<int:package_id>/assign/", exposure.package_assign, name="package_assign"),
    path("checkins/", checkins.checkins, name="checkins"),
    path("checkins/skip/", checkins.checkin_skip, name="checkin_skip"),
    path("checkins/nudge/", checkins.checkin_nudge, name="checkin_nudge"),
    path("checkins/results/<int:checkin_id>/", checkins.checkin_result, name="checkin_result"),
    path("checkins/take/<slug:instrument_id>/", checkins.checkin_form, name="checkin_form"),
    path("people/<int:person_id>/checkins/", checkins.person_checkins, name="person_checkins"),
    path("welfare/checkins/", checkins.force_checkins, name="force_checkins"),
    path("moves/", moves.request_list, name="move_list"),
    path("moves/leave/", moves.leave, name="move_leave"),
    path("moves/summary/", moves.summary, name="move_summary"),
    path("moves/<int:request_id>/", moves.request_detail, name="move_request"),
    path("moves/<int:request_id>/act/", moves.request_act, name="move_act"),
    path("moves/<int:request_id>/withdraw/", moves.withdraw, name="move_withdraw"),
]

handler403 = "wellgate.errorviews.forbidden"
handler404 = "wellgate.errorviews.not_found"
handler500 = "wellgate.errorviews.server_error"

"""Every web address: each app lists its own pages in its ``urls.py``; the API is under /api/v1/."""

from __future__ import annotations

from django.urls import include, path

from wellgate.api import api, openapi_json

# Each app's pages, in the order of DESIGN.md §10 (no two apps share an address).
urlpatterns = [
    path("", include("wellgate.people.urls")),
    path("", include("wellgate.policy.urls")),
    path("", include("wellgate.notify.urls")),
    path("", include("wellgate.flags.urls")),
    path("", include("wellgate.support.urls")),
    path("", include("wellgate.pathway.urls")),
    path("", include("wellgate.exposure.urls")),
    path("", include("wellgate.moves.urls")),
    path("", include("wellgate.checkins.urls")),
    path("accounts/", include("allauth.urls")),
    path("api/v1/openapi.json", openapi_json, name="openapi"),
    path("api/v1/", api.urls),
]

handler403 = "wellgate.errorviews.forbidden"
handler404 = "wellgate.errorviews.not_found"
handler500 = "wellgate.errorviews.server_error"

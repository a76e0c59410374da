"""The API at /api/v1/: assembled here from each app's router (built on ``wellgate.apikit``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI

from wellgate.apikit import TokenAuth, add_error_handlers
from wellgate.checkins.api import router as checkins_router
from wellgate.exposure.api import router as exposure_router
from wellgate.flags.api import router as flags_router
from wellgate.moves.api import router as moves_router
from wellgate.pathway.api import router as pathway_router
from wellgate.people.api import router as people_router
from wellgate.people.web import public
from wellgate.support.api import router as support_router

api = NinjaAPI(
    title="Wellgate API",
    version="1.0.0",
    urls_namespace="api",
    auth=TokenAuth(),
    description="Welfare records of image-grading teams. Metadata only; never any images.",
    # Served by our own view below: the built-in docs page loads its assets from a CDN.
    openapi_url=None,
    docs_url=None,
)
add_error_handlers(api)

for router in (
    people_router,
    pathway_router,
    exposure_router,
    flags_router,
    moves_router,
    support_router,
    checkins_router,
):
    api.add_router("", router)


@public
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The API description: public, like any published interface (it holds no data)."""
    return JsonResponse(api.get_openapi_schema())

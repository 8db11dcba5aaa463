"""The browsable API docs (Swagger UI) without the internet.

django-ninja renders Swagger UI from its own static files only when "ninja" is in
INSTALLED_APPS, and otherwise loads it from a CDN. We serve the files that ship in
the ninja package through a small view of our own instead, so that the docs page
works on an offline intranet and needs no settings change.
"""

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = frozenset(
    {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.png", "favicon.svg"}
)


class LocalSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api: "NinjaAPI", **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": self.settings, "api": api}
        return render(request, self.template, context)


@require_GET
@cache_control(public=True, max_age=24 * 3600)
def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in ASSETS:
        raise Http404
    content_type, _encoding = mimetypes.guess_type(name)
    return FileResponse(
        (ASSET_DIR / name).open("rb"), content_type=content_type or "application/octet-stream"
    )

"""Evidence files, served only to those who see their measure (404 to anyone else).

Nothing under the media folder is served by URL: every file goes through these views,
which check access, then stream it from storage with the type it was checked to be
and its original (Chinese) name. Photos and PDFs open in the browser; Office
documents download.
"""

import logging

from django.contrib.auth.decorators import login_required
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from zhongzhi.rectification.access import access_evidence
from zhongzhi.rectification.models import EvidenceKind

logger = logging.getLogger(__name__)

PREVIEW_TYPE = "image/jpeg"


@login_required
@require_safe
def evidence_file(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, evidence_id)
    inline = evidence.kind in (EvidenceKind.IMAGE, EvidenceKind.PDF)
    return stream_file(evidence.file, evidence.content_type, evidence.original_name, inline=inline)


@login_required
@require_safe
def evidence_preview(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, evidence_id)
    if not evidence.preview:
        raise Http404
    stem = evidence.original_name.rpartition(".")[0] or evidence.original_name
    return stream_file(evidence.preview, PREVIEW_TYPE, f"{stem}.jpg", inline=True)


def stream_file(
    field_file: FieldFile, content_type: str, name: str, *, inline: bool
) -> FileResponse:
    if not field_file.name:
        raise Http404
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        logger.error("evidence file missing from storage: %s", field_file.name)
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    # The bytes behind an id never change; only those who may see them have them.
    patch_cache_control(response, private=True, max_age=3600)
    if content_type != "application/pdf":
        # A file is never a page: no script runs and nothing loads from it, whatever
        # it holds (browsers' PDF viewers refuse to run in a sandbox, so not for PDFs).
        response["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
        )
    return response

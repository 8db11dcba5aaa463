"""The real URLconf plus a bare baseline: one ORM insert per request, nothing else.

The baseline answers through the same middleware stack as the real endpoint but
skips everything the API adds: rate limit, schema validation, idempotency look-ups,
the service's checks, the campaign's 编号 counter and the transaction around it.
"""

import json
import secrets

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from zhongzhi.intake.models import Channel, Suggestion
from zhongzhi.intake.receipt_codes import new_receipt_code
from zhongzhi.urls import urlpatterns as real_urlpatterns

BASELINE_NUMBERS = 1 << 30


@csrf_exempt
def baseline(request: HttpRequest, campaign_id: int) -> HttpResponse:
    body = json.loads(request.body or b"{}")
    for _attempt in range(3):
        try:
            suggestion = Suggestion.objects.create(
                campaign_id=campaign_id,
                receipt_code=new_receipt_code(),
                # No counter: a random number above any the counter will reach in a
                # run (unique per campaign; the rare collision inserts again).
                number=BASELINE_NUMBERS + secrets.randbelow(BASELINE_NUMBERS),
                text=body.get("text", ""),
                channel=Channel.API,
                submitted_at=timezone.now(),
                # Random, so that the unique (campaign, key) constraint is exercised as in
                # the real endpoint, but never looked up first.
                idempotency_key=request.headers.get("Idempotency-Key", "") or secrets.token_hex(8),
            )
        except IntegrityError:
            continue
        return JsonResponse({"receipt_code": suggestion.receipt_code}, status=201)
    raise RuntimeError("baseline: could not insert")


urlpatterns = [
    path("bench/baseline/<int:campaign_id>/", baseline, name="bench_baseline"),
    *real_urlpatterns,
]

"""Bench-only settings: the production settings plus the baseline URL and no rate limit.

Everything else (middleware, database options, cache, logging) is exactly
`zhongzhi.settings`. Used by `bench/intake_load.py` via DJANGO_SETTINGS_MODULE.
"""

import os

from zhongzhi.settings import *  # noqa: F403

# The real urlpatterns plus /bench/baseline/<campaign_id>/.
ROOT_URLCONF = "bench.load.urls"

# The load generator's 64 clients all come from 127.0.0.1, one client to the limiter:
# lift the per-client limit far above what the bench sends. The limiter still runs
# (same cache queries per request), it just never says 429.
ZHONGZHI_API_RATE_LIMITS = {
    "submit": (10**9, 60),
    "receipt": (10**9, 60),
    "batch": (10**9, 60),
    "list": (10**9, 60),
}

# With BENCH_DISTINCT_CLIENTS=1 each simulated client sends its own X-Forwarded-For
# address, so the limiter keeps one counter per client (as with real residents)
# instead of one hot counter row shared by all 64.
ZHONGZHI_TRUSTED_PROXY = os.environ.get("BENCH_DISTINCT_CLIENTS", "") == "1"

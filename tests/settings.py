"""Settings for the test suite: the real ones, with test-only speed-ups."""

import os
import tempfile

from zhongzhi.settings import *  # noqa: F403

# One counter file per test run, emptied before each test (tests/conftest.py).
if ZHONGZHI_RATE_COUNTER_FILE:  # noqa: F405
    ZHONGZHI_RATE_COUNTER_FILE = os.path.join(
        tempfile.gettempdir(), f"zhongzhi-test-rate-counters-{os.getpid()}.sqlite3"
    )

# Argon2 is deliberately slow; tests that check hashing ask for it themselves.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once, in the test's own transaction.
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "triage"],
    }
}
# The manifest comes from collectstatic, which `zhongzhi serve` runs; tests skip it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Login throttling needs a request on every authenticate(); its own test turns it on.
AXES_ENABLED = False

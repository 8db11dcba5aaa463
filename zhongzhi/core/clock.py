"""Today's date, where it decides something (does a campaign still take suggestions?).

One place to ask, so that tests can pin the day (``tests/conftest.py``): call it as
``clock.today()``, not imported by name.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """The date in the platform's time zone (``TIME_ZONE``, Asia/Shanghai by default)."""
    return timezone.localdate()

"""Named personas for access tests, on the organisation of seed 004.

青岛市 › 市南区 › 八大关街道 › 红岛路社区, 金口路社区, 福山路社区, 八大关社区, 太平角社区
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import (
    TEST_PASSWORD,
    CampaignFactory,
    MembershipFactory,
    UnitFactory,
    UserFactory,
)
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.demo import DemoResult, demo_create
from zhongzhi.org.models import Role, Unit, UnitKind, User


@dataclass
class World:
    city: Unit
    district: Unit
    street: Unit
    hongdaolu: Unit
    jinkoulu: Unit
    fushanlu: Unit
    badaguan: Unit
    taipingjiao: Unit
    office: User
    hongdaolu_coordinator: User
    jinkoulu_coordinator: User
    supervisor: User
    leader: User
    campaign: Campaign

    def client_for(self, user: User) -> Client:
        client = Client()
        assert client.login(username=user.username, password=TEST_PASSWORD)
        return client


@pytest.fixture
def world(db: None) -> World:
    city = UnitFactory(code="QD", name="青岛市", kind=UnitKind.CITY)
    district = UnitFactory(code="QD-SN", name="市南区", kind=UnitKind.DISTRICT, parent=city)
    street = UnitFactory(
        code="QD-SN-BDG", name="八大关街道", kind=UnitKind.SUBDISTRICT, parent=district
    )
    communities = {
        key: UnitFactory(code=f"QD-SN-BDG-{key.upper()}", name=name, parent=street)
        for key, name in [
            ("hdl", "红岛路社区"),
            ("jkl", "金口路社区"),
            ("fsl", "福山路社区"),
            ("bdg", "八大关社区"),
            ("tpj", "太平角社区"),
        ]
    }
    office = UserFactory(username="office", full_name="街道办公室")
    MembershipFactory(user=office, unit=street, role=Role.OFFICE)
    hdl = UserFactory(username="hdl", full_name="红岛路联络员")
    MembershipFactory(user=hdl, unit=communities["hdl"], role=Role.COORDINATOR)
    jkl = UserFactory(username="jkl", full_name="金口路联络员")
    MembershipFactory(user=jkl, unit=communities["jkl"], role=Role.COORDINATOR)
    supervisor = UserFactory(username="supervisor", full_name="督导组成员")
    MembershipFactory(user=supervisor, unit=communities["hdl"], role=Role.SUPERVISOR)
    MembershipFactory(user=supervisor, unit=communities["fsl"], role=Role.SUPERVISOR)
    leader = UserFactory(username="leader", full_name="街道领导")
    MembershipFactory(user=leader, unit=street, role=Role.LEADER)
    for user in (office, hdl, jkl):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    campaign = CampaignFactory(
        name="八大关街道解放思想大讨论",
        owner_unit=street,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    return World(
        city=city,
        district=district,
        street=street,
        hongdaolu=communities["hdl"],
        jinkoulu=communities["jkl"],
        fushanlu=communities["fsl"],
        badaguan=communities["bdg"],
        taipingjiao=communities["tpj"],
        office=office,
        hongdaolu_coordinator=hdl,
        jinkoulu_coordinator=jkl,
        supervisor=supervisor,
        leader=leader,
        campaign=campaign,
    )


@pytest.fixture(scope="session")
def compiled_catalogs() -> Iterator[None]:
    """Compile our catalogs (English; the Chinese Django's zh_Hans lacks), and drop
    catalogs loaded before they existed."""
    from django.conf import settings
    from django.core.management import call_command
    from django.core.signals import setting_changed

    call_command(
        "compilemessages",
        locale=["en", "zh_Hans"],
        ignore_patterns=[".venv/*", ".tools/*"],
        verbosity=0,
    )
    # Django caches a catalog per language for the life of the process; an earlier test
    # may have loaded one before the .mo was compiled. Its own reload hook drops them.
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
    )
    yield


@pytest.fixture(autouse=True)
def chinese_by_default() -> None:
    # LocaleMiddleware leaves the last request's language active in this thread; each
    # test starts from the default, as each real request does.
    from django.utils import translation

    translation.activate("zh-hans")


@pytest.fixture(autouse=True)
def fresh_campaign_choices() -> None:
    # Each process keeps campaigns' choices for a few seconds; ids come back after a
    # test's rollback, so each test starts with none kept.
    from zhongzhi.campaigns.selectors import forget_campaign_choices

    forget_campaign_choices()


# Campaigns in tests run from 2026-09-01 to 2026-12-31 (the world's, the factories'):
# whatever the calendar says, the tests' today is inside them.
TODAY = datetime.date(2026, 10, 15)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> datetime.date:
    monkeypatch.setattr("zhongzhi.core.clock.today", lambda: TODAY)
    return TODAY


@pytest.fixture(autouse=True)
def fresh_rate_counts() -> None:
    # Rate limits count per process and in shared rows (a table rolled back with each
    # test, or a file of their own with SQLite): each test starts with none.
    from zhongzhi.core.ratelimit import forget_counts

    forget_counts()


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail loudly when the suite would silently run on the wrong database."""
    import os

    from django.conf import settings

    wanted = os.environ.get("ZHONGZHI_TEST_DATABASE")
    engine = settings.DATABASES["default"]["ENGINE"]
    if wanted and wanted not in engine:
        raise pytest.UsageError(f"ZHONGZHI_TEST_DATABASE={wanted} but DATABASE_URL gives {engine}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run's rate-counter file (SQLite runs, tests/settings.py) goes with the run."""
    import pathlib

    from django.conf import settings

    counter_file = getattr(settings, "ZHONGZHI_RATE_COUNTER_FILE", "")
    for suffix in ("", "-wal", "-shm"):
        if counter_file:
            pathlib.Path(counter_file + suffix).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def empty_audit_log_after_transactional_tests(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The audit table refuses DELETE (zhongzhi.audit.triggers), and a transactional
    test's clean-up on SQLite empties tables with DELETE: lift the triggers for that
    one clean-up, as nothing in the application can."""
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames)
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # so that this clean-up runs before its
    yield
    from django.db import connection

    from zhongzhi.audit import triggers

    with connection.cursor() as cursor:
        for statement in triggers.statements(connection.vendor, create=False):
            cursor.execute(statement)
        cursor.execute(f"DELETE FROM {triggers.TABLE}")
        for statement in triggers.statements(connection.vendor, create=True):
            cursor.execute(statement)


@pytest.fixture
def demo(db: None, settings: pytest.FixtureRequest, tmp_path: Path) -> DemoResult:
    """The demo campaign as `zhongzhi demo` makes it (its passwords file in tmp_path)."""
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]  # the settings fixture
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]  # its uploads
    return demo_create()

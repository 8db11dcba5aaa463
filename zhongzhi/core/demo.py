"""The demo campaign: the real organisation of seed 004 (八大关街道, Qingdao) running the
"7+11" opinion collection, with a four-stage plan written for it
(``zhongzhi.campaigns.demo_plan``). Its dates are relative to today, which falls in
the third stage ("7+11" collection), like the suggestions and meetings of
``zhongzhi.intake.demo_data``. Safe to run again: what exists is kept, nothing is
duplicated.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from zhongzhi.activities.demo import activities_demo_create
from zhongzhi.campaigns import demo_plan
from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import Campaign, PlanItem
from zhongzhi.core import clock
from zhongzhi.essays.demo import essays_demo_create
from zhongzhi.intake.demo_data import demo_suggestions_create
from zhongzhi.org import services as org_services
from zhongzhi.org.models import Membership, Role, Unit, UnitKind, User
from zhongzhi.rectification.demo import rectification_demo_create
from zhongzhi.reports.demo import reports_demo_create
from zhongzhi.research.demo import research_demo_create
from zhongzhi.screening.demo import screening_demo_create
from zhongzhi.supervision.demo import supervision_demo_create

CAMPAIGN_NAME = "八大关街道解放思想大讨论"

# (code, name, kind, parent code). No short names: a unit goes by one name on every page.
UNITS = [
    ("QD", "青岛市", UnitKind.CITY, None),
    ("QD-SN", "市南区", UnitKind.DISTRICT, "QD"),
    ("QD-SN-BDG", "八大关街道", UnitKind.SUBDISTRICT, "QD-SN"),
    ("QD-SN-BDG-HDL", "红岛路社区", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-JKL", "金口路社区", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-FSL", "福山路社区", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-BDG", "八大关社区", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-TPJ", "太平角社区", UnitKind.COMMUNITY, "QD-SN-BDG"),
    # The street's departments, the lead units of the demo's plan.
    ("QD-SN-BDG-DZB", "党政办公室", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-XCK", "宣传统战科", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-ZZK", "组织人事科", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-JGW", "纪工委", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-CGK", "城市管理科", UnitKind.DEPARTMENT, "QD-SN-BDG"),
]

# (login name, full name, unit code, role); the supervisor holds two assignments.
ACCOUNTS = [
    ("office", "街道大讨论办公室", "QD-SN-BDG", Role.OFFICE),
    ("leader", "街道党工委书记", "QD-SN-BDG", Role.LEADER),
    ("hongdaolu", "红岛路社区联络员", "QD-SN-BDG-HDL", Role.COORDINATOR),
    ("jinkoulu", "金口路社区联络员", "QD-SN-BDG-JKL", Role.COORDINATOR),
    ("fushanlu", "福山路社区联络员", "QD-SN-BDG-FSL", Role.COORDINATOR),
    ("badaguan", "八大关社区联络员", "QD-SN-BDG-BDG", Role.COORDINATOR),
    ("taipingjiao", "太平角社区联络员", "QD-SN-BDG-TPJ", Role.COORDINATOR),
    ("hongdaolu-staff", "红岛路社区工作人员", "QD-SN-BDG-HDL", Role.STAFF),
    ("supervisor", "第一督导组成员", "QD-SN-BDG-HDL", Role.SUPERVISOR),
    ("supervisor", "第一督导组成员", "QD-SN-BDG-JKL", Role.SUPERVISOR),
    ("supervisor2", "第二督导组组长", "QD-SN-BDG-BDG", Role.SUPERVISOR),
]


@dataclass
class DemoResult:
    campaign: Campaign
    created_units: int
    accounts: list[tuple[str, str, str, str]]  # login, role, unit, password
    new_accounts: int


def _passwords_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-accounts.json"


def _load_passwords() -> dict[str, str]:
    path = _passwords_file()
    return json.loads(path.read_text()) if path.exists() else {}


@transaction.atomic
def demo_create(today: datetime.date | None = None) -> DemoResult:
    today = today or clock.today()
    units: dict[str, Unit] = {
        unit.code: unit for unit in Unit.objects.filter(code__in=[u[0] for u in UNITS])
    }
    created_units = 0
    for code, name, kind, parent_code in UNITS:
        if code not in units:
            units[code] = org_services.unit_create(
                code=code,
                name=name,
                kind=kind,
                parent=units[parent_code] if parent_code else None,
            )
            created_units += 1

    passwords = _load_passwords()
    new_accounts = 0
    listing: list[tuple[str, str, str, str]] = []
    for username, full_name, unit_code, role in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            password = org_services.one_time_password()
            user, _ = org_services.account_create(
                username=username,
                full_name=full_name,
                unit=units[unit_code],
                role=role,
                password=password,
            )
            passwords[username] = password
            new_accounts += 1
        else:
            org_services.membership_grant(user=user, unit=units[unit_code], role=role)
        listing.append(
            (
                username,
                str(role.label),
                units[unit_code].name,
                passwords.get(username, "（已存在，密码未改）"),
            )
        )
    if new_accounts:
        _passwords_file().write_text(json.dumps(passwords, ensure_ascii=False, indent=1))
        _passwords_file().chmod(0o600)

    campaign = Campaign.objects.filter(name=CAMPAIGN_NAME, owner_unit=units["QD-SN-BDG"]).first()
    if campaign is None:
        # Dates around today, so that the demo always is in its "7+11" stage.
        start = today - datetime.timedelta(weeks=demo_plan.WEEKS_BEFORE_TODAY)
        campaign = campaign_services.campaign_create(
            name=CAMPAIGN_NAME,
            theme="解放思想再出发，建设美丽八大关",
            slogan="人人都是金点子，众智成城",
            owner_unit=units["QD-SN-BDG"],
            start_date=start,
            end_date=start + datetime.timedelta(weeks=sum(demo_plan.STAGE_WEEKS), days=-1),
            templates=["7+11"],
        )
        campaign_services.blueprint_apply(campaign=campaign, blueprint=demo_plan.DEMO_PLAN)
        _advance_plan_items(campaign, today)
    demo_suggestions_create(campaign, now=_now_on(today))
    screening_demo_create(campaign, User.objects.get(username="office"))
    rectification_demo_create(campaign, User.objects.get(username="office"))
    supervision_demo_create(campaign, User.objects.get(username="office"))
    research_demo_create(campaign, User.objects.get(username="office"))
    essays_demo_create(campaign, User.objects.get(username="office"))
    activities_demo_create(campaign, User.objects.get(username="office"))
    # Last: the briefings count what the others made.
    reports_demo_create(campaign, User.objects.get(username="office"))
    return DemoResult(
        campaign=campaign, created_units=created_units, accounts=listing, new_accounts=new_accounts
    )


def _now_on(today: datetime.date) -> datetime.datetime:
    """Now, moved to `today` when that is not the calendar's (tests pin today), so that
    suggestions fall inside the campaign whose dates come from `today`."""
    now = timezone.localtime()
    if now.date() == today:
        return now
    return timezone.make_aware(datetime.datetime.combine(today, now.time()))


def _advance_plan_items(campaign: Campaign, today: datetime.date) -> None:
    """Give the work items of the stages begun by today the status and note their lead
    unit would have entered: its coordinator for a community, the office otherwise."""
    office = User.objects.get(username="office")
    coordinators = {
        membership.unit_id: membership.user
        for membership in Membership.objects.filter(
            role=Role.COORDINATOR, unit__path__startswith=campaign.owner_unit.path
        ).select_related("user")
    }
    items = PlanItem.objects.filter(campaign=campaign).select_related("stage")
    leads = Prefetch("lead_units", queryset=Unit.objects.order_by("path"))
    for item in items.prefetch_related(leads):
        if item.stage is not None and item.stage.start_date > today:
            continue
        status, note = demo_plan.PROGRESS[item.title]
        lead = item.lead_units.all()[0]
        campaign_services.plan_item_update_status(
            plan_item=item, status=status, note=note, updated_by=coordinators.get(lead.pk, office)
        )

"""The demo campaign: the real organisation of seed 004 (八大关街道, Qingdao) running the
"7+11" opinion collection with seed 001's four-stage plan. Safe to run again: what
exists is kept, nothing is duplicated.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from zhongzhi.campaigns import services as campaign_services
from zhongzhi.campaigns.models import Campaign, PlanItem, PlanItemStatus
from zhongzhi.core import clock
from zhongzhi.intake.demo_data import demo_suggestions_create
from zhongzhi.org import services as org_services
from zhongzhi.org.models import Role, Unit, UnitKind, User
from zhongzhi.screening.demo import screening_demo_create

CAMPAIGN_NAME = "八大关街道解放思想大讨论"

# (code, name, short name, kind, parent code)
UNITS = [
    ("QD", "青岛市", "", UnitKind.CITY, None),
    ("QD-SN", "市南区", "", UnitKind.DISTRICT, "QD"),
    ("QD-SN-BDG", "八大关街道", "八大关街道", UnitKind.SUBDISTRICT, "QD-SN"),
    ("QD-SN-BDG-HDL", "红岛路社区", "红岛路", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-JKL", "金口路社区", "金口路", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-FSL", "福山路社区", "福山路", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-BDG", "八大关社区", "八大关", UnitKind.COMMUNITY, "QD-SN-BDG"),
    ("QD-SN-BDG-TPJ", "太平角社区", "太平角", UnitKind.COMMUNITY, "QD-SN-BDG"),
    # Departments named as seed 001's plan names its lead units (牵头单位).
    ("QD-SN-BDG-DZB", "党政办公室", "党政条线", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-XCK", "宣传统战科", "宣传条线", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-ZZK", "组织人事科", "组织条线", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-JGW", "纪工委", "纪检条线", UnitKind.DEPARTMENT, "QD-SN-BDG"),
    ("QD-SN-BDG-CGK", "城市管理科", "城管条线", UnitKind.DEPARTMENT, "QD-SN-BDG"),
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
    for code, name, short_name, kind, parent_code in UNITS:
        if code not in units:
            units[code] = org_services.unit_create(
                code=code,
                name=name,
                short_name=short_name,
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
        # Dates around today, so that the demo always has a current stage.
        start = (today.replace(day=1) - datetime.timedelta(days=45)).replace(day=1)
        campaign = campaign_services.campaign_create(
            name=CAMPAIGN_NAME,
            theme="解放思想再出发，建设美丽八大关",
            slogan="人人都是金点子，众智成城",
            owner_unit=units["QD-SN-BDG"],
            start_date=start,
            end_date=start + datetime.timedelta(days=240),
            templates=["7+11", "four-stage"],
        )
        _advance_plan_items(campaign, today)
    demo_suggestions_create(campaign)
    screening_demo_create(campaign, User.objects.get(username="office"))
    return DemoResult(
        campaign=campaign, created_units=created_units, accounts=listing, new_accounts=new_accounts
    )


def _advance_plan_items(campaign: Campaign, today: datetime.date) -> None:
    """Give the demo's plan items the statuses a campaign in mid-course would have."""
    office = User.objects.get(username="office")
    for item in PlanItem.objects.filter(campaign=campaign).select_related("stage"):
        if item.stage is None or item.stage.start_date > today:
            continue
        finished = item.stage.end_date < today
        status = (
            PlanItemStatus.DONE if finished or item.order % 3 == 1 else PlanItemStatus.IN_PROGRESS
        )
        note = "已按方案完成" if status == PlanItemStatus.DONE else "正在推进"
        campaign_services.plan_item_update_status(
            plan_item=item, status=status, note=note, updated_by=office
        )

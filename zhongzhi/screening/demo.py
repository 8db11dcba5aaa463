"""The demo campaign's routing and screening, as a campaign office three weeks in would
have it: most residents' suggestions assigned to their community by the proposals,
most signed (one late), a few waiting to be signed (one overdue), one sent back, one
passed on, a few decided; the newest still in the office's to-assign queue.

Runs after the demo's suggestions exist; running it again changes nothing.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.models import Suggestion
from zhongzhi.org.models import Membership, Role, Unit, User
from zhongzhi.screening.models import Assignment, AssignmentState
from zhongzhi.screening.services.decisions import suggestion_decide
from zhongzhi.screening.services.routing import (
    NOT_ROUTED,
    assignment_send_back,
    assignment_sign,
    assignment_transfer,
    proposals_for,
    suggestions_assign,
)

# The streets, estates and landmarks each community answers for (written for the demo).
PLACES = {
    "QD-SN-BDG-HDL": "红岛路、兴安路、兴安支路、和惠居、红岛路社区小广场",
    "QD-SN-BDG-JKL": "金口一路、金口二路、金口三路、莱阳路、鱼山路",
    "QD-SN-BDG-FSL": "福山路、福山支路、大学路、福山路小游园",
    "QD-SN-BDG-BDG": "武昌路、山海关路、居庸关路、正阳关路、韶关路、八大关景区",
    "QD-SN-BDG-TPJ": "太平角一路、太平角三路、太平角六路、太平角公园、湛山一路、太平角海滨步道",
}
# Topics the street's departments usually answer for, when a text names no place.
USUAL_UNITS = {
    "干部能力": "QD-SN-BDG-ZZK",
    "“帮到家”党建服务品牌再提升": "QD-SN-BDG-ZZK",
    "西部老城区复兴发展": "QD-SN-BDG-CGK",
    "融入军民融合创新示范区": "QD-SN-BDG-XCK",
    "营商环境": "QD-SN-BDG-DZB",
}
LEFT_TO_ASSIGN = 6  # the newest residents' suggestions wait for the office
LEFT_TO_SIGN = 3  # per community at most, the newest assignments


def _coordinators(campaign: Campaign) -> dict[int, User]:
    memberships = Membership.objects.filter(
        role=Role.COORDINATOR, unit__path__startswith=campaign.owner_unit.path
    ).select_related("user")
    return {m.unit_id: m.user for m in memberships}


@transaction.atomic
def screening_demo_create(campaign: Campaign, office: User) -> int:
    """Route and screen the demo's residents' suggestions; returns how many were assigned."""
    for code, places in PLACES.items():
        Unit.objects.filter(code=code, places="").update(places=places)
    for topic_name, code in USUAL_UNITS.items():
        Topic.objects.filter(campaign=campaign, name=topic_name, usual_unit__isnull=True).update(
            usual_unit=Unit.objects.filter(code=code).first()
        )
    if Assignment.objects.filter(campaign=campaign).exists():
        return 0
    waiting = list(
        Suggestion.objects.filter(campaign=campaign, unit__isnull=True)
        .exclude(status__in=NOT_ROUTED)
        .order_by("-submitted_at", "-pk")
    )
    to_route = waiting[LEFT_TO_ASSIGN:]
    proposals = proposals_for(campaign, to_route)
    by_unit: dict[int, list[int]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for suggestion in to_route:
        proposal = proposals.get(suggestion.pk)
        if proposal is not None:
            by_unit[proposal.unit.pk].append(suggestion.pk)
            units[proposal.unit.pk] = proposal.unit
    assigned = 0
    coordinators = _coordinators(campaign)
    for unit_id, ids in by_unit.items():
        assignments = suggestions_assign(
            campaign=campaign, suggestion_ids=ids, unit=units[unit_id], actor=office
        )
        assigned += len(assignments)
        coordinator = coordinators.get(unit_id)
        if coordinator is None:
            continue
        # ids are newest first: the newest few are still to be signed.
        for n, assignment in enumerate(assignments[LEFT_TO_SIGN:]):
            if n == 0:  # one signed after its deadline
                Assignment.objects.filter(pk=assignment.pk).update(
                    sign_deadline=timezone.now() - datetime.timedelta(hours=5)
                )
            assignment_sign(assignment_id=assignment.pk, actor=coordinator)
            if n == 1:
                suggestion_decide(
                    suggestion=assignment.suggestion, decision="accept", actor=coordinator
                )
        if assignments:  # one waiting past its deadline
            Assignment.objects.filter(pk=assignments[0].pk).update(
                sign_deadline=timezone.now() - datetime.timedelta(days=1)
            )
    _send_back_and_transfer(campaign, coordinators)
    return assigned


def _send_back_and_transfer(campaign: Campaign, coordinators: dict[int, User]) -> None:
    pending = list(
        Assignment.objects.filter(campaign=campaign, state=AssignmentState.PENDING)
        .select_related("unit")
        .order_by("pk")
    )
    with_coordinator = [a for a in pending if a.unit_id in coordinators]
    if len(with_coordinator) < 2:
        return
    back, onward = with_coordinator[0], with_coordinator[-1]
    assignment_send_back(
        assignment_id=back.pk,
        actor=coordinators[back.unit_id],
        reason="反映的地点不在本社区辖区，请办公室改派。",
    )
    others = [unit_id for unit_id in coordinators if unit_id != onward.unit_id]
    if others:
        assignment_transfer(
            assignment_id=onward.pk,
            actor=coordinators[onward.unit_id],
            to_unit=Unit.objects.get(pk=others[0]),
            note="涉及的楼院归邻近社区管理，已转交。",
        )

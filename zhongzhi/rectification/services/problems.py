"""Problems (问题清单): made from adopted suggestions or a whole hot issue, or entered
from a unit's self-examination; measures added to them; closed (销号) when every
measure is verified or cancelled, and then answered to the residents behind them."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.analysis.models import HotIssue, SuggestionTriage
from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.access import managed_campaigns
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.intake.models import MAX_TEXT_LENGTH, Suggestion, SuggestionStatus
from zhongzhi.org.access import changeable_units
from zhongzhi.org.models import Unit, User
from zhongzhi.rectification.access import changeable_problems
from zhongzhi.rectification.models import (
    FINAL_MEASURE_STATES,
    Measure,
    MeasureState,
    Problem,
    ProblemOrigin,
    ProblemStatus,
    ProblemSuggestion,
)
from zhongzhi.rectification.services.common import (
    check_deadline,
    check_unit_in_campaign,
    lock_campaign,
    required_text,
)
from zhongzhi.screening.services.common import BulkRefused, Refusal
from zhongzhi.screening.services.decisions import Item, suggestions_decide

S = SuggestionStatus
# What may still become part of a problem: undecided, excellent or adopted; those not
# yet adopted are adopted with it.
ELIGIBLE = (S.RECEIVED, S.ACCEPTED, S.EXCELLENT, S.ADOPTED)


def _check_may_enter(campaign: Campaign, unit: Unit, actor: User) -> None:
    check_unit_in_campaign(campaign, unit, "unit")
    if managed_campaigns(actor).filter(pk=campaign.pk).exists():
        return
    if not changeable_units(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"unit": _("只能为本单位及下属单位立问题。")})


def _refusals(rows: Sequence[Suggestion]) -> list[Refusal]:
    linked = set(
        ProblemSuggestion.objects.filter(suggestion__in=rows).values_list(
            "suggestion_id", flat=True
        )
    )
    refusals = []
    for s in rows:
        if s.pk in linked:
            refusals.append(Refusal(s.receipt_code_display, _("已是另一个问题的来源。")))
        elif s.status not in ELIGIBLE:
            refusals.append(
                Refusal(
                    s.receipt_code_display,
                    _("已是“%(status)s”，不能立为问题。") % {"status": s.get_status_display()},
                )
            )
    return refusals


@transaction.atomic
def problem_create(
    *,
    campaign: Campaign,
    actor: User,
    unit: Unit,
    title: str,
    description: str,
    topic: Topic | None = None,
    suggestion_ids: Sequence[int] = (),
    hot_issue: HotIssue | None = None,
    origin: str = "",
) -> Problem:
    """A problem of ``unit`` with its source suggestions (all or nothing: a refused
    suggestion says why). Sources not yet adopted are adopted with it (采纳). From a
    hot issue, its members the actor may change and that are still open join it."""
    title = required_text("title", title, 120, _("请填写问题。"))
    description = required_text("description", description, 4000, _("请填写问题描述。"))
    _check_may_enter(campaign, unit, actor)
    if topic is not None and topic.campaign_id != campaign.pk:
        raise ValidationError({"topic": _("这个方面不属于本活动。")})
    ids = set(suggestion_ids)
    if hot_issue is not None:
        if hot_issue.campaign_id != campaign.pk:
            raise ValidationError(_("这个热点问题不属于本活动。"))
        members = SuggestionTriage.objects.filter(issue=hot_issue).values("suggestion_id")
        ids |= set(
            changeable_suggestions(actor)
            .filter(pk__in=members, status__in=ELIGIBLE, problem_link__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise ValidationError(_("这个热点问题中没有您可以立为问题的意见建议。"))
    rows = list(
        changeable_suggestions(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=ids, campaign=campaign)
        .order_by("pk")
    )
    if len(rows) < len(ids):
        raise BulkRefused(
            [
                Refusal(
                    "",
                    _("有 %(n)d 条意见建议不存在或不在您的职责范围内。")
                    % {"n": len(ids) - len(rows)},
                )
            ]
        )
    refusals = _refusals(rows)
    if refusals:
        raise BulkRefused(refusals)
    to_adopt = [Item(s.pk, s.version) for s in rows if s.status != S.ADOPTED]
    if to_adopt:
        suggestions_decide(decision="adopt", items=to_adopt, actor=actor)
    if not origin:
        origin = ProblemOrigin.SUGGESTIONS if rows else ProblemOrigin.SELF_EXAMINATION
    return _insert_problem(
        campaign=campaign,
        actor=actor,
        unit=unit,
        title=title,
        description=description,
        topic=topic,
        origin=origin,
        rows=rows,
        hot_issue_label=hot_issue.label if hot_issue is not None else "",
    )


def _insert_problem(
    *,
    campaign: Campaign,
    actor: User,
    unit: Unit,
    title: str,
    description: str,
    topic: Topic | None,
    origin: str,
    rows: Sequence[Suggestion],
    hot_issue_label: str,
) -> Problem:
    """The problem's row, numbered in its campaign, its sources and the audit entries;
    the callers have checked who may enter it and what."""
    lock_campaign(campaign)
    top = Problem.objects.filter(campaign=campaign).aggregate(top=Max("number"))["top"]
    problem = Problem.objects.create(
        campaign=campaign,
        number=(top or 0) + 1,
        unit=unit,
        topic=topic,
        title=title,
        description=description,
        origin=origin,
        hot_issue_label=hot_issue_label,
        created_by=actor,
    )
    ProblemSuggestion.objects.bulk_create(
        [ProblemSuggestion(problem=problem, suggestion=s) for s in rows]
    )
    audit_record_many(
        [
            Entry(
                AuditAction.PROBLEM_CREATE,
                problem,
                actor,
                campaign,
                unit,
                after={
                    "number": problem.number,
                    "title": title,
                    "origin": origin,
                    "suggestions": [s.receipt_code_display for s in rows][:50],
                },
            ),
            *(
                Entry(
                    AuditAction.PROBLEM_CREATE,
                    s,
                    actor,
                    campaign,
                    unit,
                    after={"problem": problem.number},
                    note=_("立为问题 %(number)d：%(title)s")
                    % {"number": problem.number, "title": title},
                )
                for s in rows
            ),
        ]
    )
    return problem


@transaction.atomic
def measure_add(
    *,
    problem: Problem,
    actor: User,
    text: str,
    owner_unit: Unit,
    responsible_person: str,
    deadline: datetime.date | None,
    expected_result: str = "",
    responsible_user: User | None = None,
) -> Measure:
    if not changeable_problems(actor).filter(pk=problem.pk).exists():
        raise ValidationError(_("只有本活动办公室或问题所在单位的联络员可以制定整改措施。"))
    return _insert_measure(
        problem=problem,
        actor=actor,
        text=text,
        owner_unit=owner_unit,
        responsible_person=responsible_person,
        deadline=deadline,
        expected_result=expected_result,
        responsible_user=responsible_user,
    )


def _insert_measure(
    *,
    problem: Problem,
    actor: User,
    text: str,
    owner_unit: Unit,
    responsible_person: str,
    deadline: datetime.date | None,
    expected_result: str,
    responsible_user: User | None,
) -> Measure:
    """The measure's row, checked and numbered in its problem, and its audit entry; the
    callers have checked who may add it."""
    locked = (
        Problem.objects.select_for_update()
        .select_related("campaign__owner_unit")
        .get(pk=problem.pk)
    )
    if locked.status == ProblemStatus.CLOSED:
        raise ValidationError(_("问题已销号，不能再添加整改措施。"))
    text = required_text("text", text, 2000, _("请填写整改措施。"))
    responsible_person = required_text(
        "responsible_person", responsible_person, 50, _("请填写责任人。")
    )
    expected_result = (expected_result or "").strip()[:500]
    check_unit_in_campaign(locked.campaign, owner_unit, "owner_unit")
    check_deadline(locked.campaign, deadline)
    assert deadline is not None  # checked above
    top = locked.measures.aggregate(top=Max("number"))["top"]
    measure = Measure.objects.create(
        problem=locked,
        campaign=locked.campaign,
        number=(top or 0) + 1,
        text=text,
        expected_result=expected_result,
        owner_unit=owner_unit,
        responsible_person=responsible_person,
        responsible_user=responsible_user,
        deadline=deadline,
        original_deadline=deadline,
        created_by=actor,
    )
    audit_record(
        action=AuditAction.MEASURE_ADD,
        target=measure,
        actor=actor,
        campaign=locked.campaign,
        unit=owner_unit,
        after={
            "code": measure.code,
            "owner_unit": owner_unit.name,
            "responsible_person": responsible_person,
            "deadline": deadline.isoformat(),
        },
        note=text[:200],
    )
    problem_refresh(locked, actor=actor)
    return measure


@transaction.atomic
def problem_from_finding(
    *,
    campaign: Campaign,
    actor: User,
    unit: Unit,
    title: str,
    description: str,
    requirement: str,
    deadline: datetime.date | None,
    responsible_person: str,
) -> Problem:
    """A problem a supervision group found (督导发现) at ``unit``, with the measure it
    requires of the unit by ``deadline``. For `supervision.services.finding_add`, which
    checks that the actor's group covers the unit: supervisors enter nothing else here.
    """
    title = required_text("title", title, 120, _("请填写问题。"))
    description = required_text("description", description, 4000, _("请填写问题描述。"))
    check_unit_in_campaign(campaign, unit, "unit")
    # Checked before the problem is saved, so that a bad measure leaves no problem.
    required_text("requirement", requirement, 2000, _("请填写整改要求。"))
    check_deadline(campaign, deadline)
    problem = _insert_problem(
        campaign=campaign,
        actor=actor,
        unit=unit,
        title=title,
        description=description,
        topic=None,
        origin=ProblemOrigin.SUPERVISION,
        rows=(),
        hot_issue_label="",
    )
    _insert_measure(
        problem=problem,
        actor=actor,
        text=requirement,
        owner_unit=unit,
        responsible_person=responsible_person or _("单位主要负责人"),
        deadline=deadline,
        expected_result="",
        responsible_user=None,
    )
    return problem


def problem_refresh(problem: Problem, *, actor: User | None, answer: str = "") -> Problem:
    """Set the problem's status from its measures; on closing, answer its residents.

    Called inside the transaction of the change that may have moved it."""
    states = list(problem.measures.values_list("state", flat=True))
    if not states:
        status = ProblemStatus.OPEN
    elif all(state in FINAL_MEASURE_STATES for state in states):
        status = ProblemStatus.CLOSED
    else:
        status = ProblemStatus.IN_PROGRESS
    if status == problem.status:
        return problem
    before = problem.status
    problem.status = status
    problem.closed_at = timezone.now() if status == ProblemStatus.CLOSED else None
    if status == ProblemStatus.CLOSED and answer:
        problem.answer = answer
    problem.save(update_fields=["status", "closed_at", "answer"])
    if status == ProblemStatus.CLOSED:
        audit_record(
            action=AuditAction.PROBLEM_CLOSE,
            target=problem,
            actor=actor,
            campaign=problem.campaign,
            unit=problem.unit,
            before={"status": before},
            after={"status": status},
            note=problem.answer,
        )
        if MeasureState.VERIFIED in states and problem.answer:
            _answer_sources(problem, actor)
    elif before == ProblemStatus.CLOSED:
        audit_record(
            action=AuditAction.PROBLEM_REOPEN,
            target=problem,
            actor=actor,
            campaign=problem.campaign,
            unit=problem.unit,
            before={"status": before},
            after={"status": status},
        )
    return problem


def needs_answer(problem: Problem) -> bool:
    """A problem with residents behind it is answered when it closes."""
    return not problem.answer and problem.sources.exists()


def _answer_sources(problem: Problem, actor: User | None) -> None:
    """The answer goes to every suggestion behind the problem that has none yet; those
    merged into them show it through theirs (intake's receipt page)."""
    answer = problem.answer[:MAX_TEXT_LENGTH]
    rows = list(
        Suggestion.objects.select_for_update(of=("self",))
        .filter(problem_link__problem=problem)
        .exclude(status=S.ANSWERED)
        .select_related("campaign", "unit")
    )
    if not rows:
        return
    now = timezone.now()
    Suggestion.objects.filter(pk__in=[s.pk for s in rows]).update(
        status=S.ANSWERED, answer=answer, answered_at=now, version=F("version") + 1
    )
    audit_record_many(
        Entry(
            AuditAction.ANSWER,
            s,
            actor,
            s.campaign,
            problem.unit,
            before={"status": s.status},
            after={"status": S.ANSWERED, "problem": problem.number},
            note=answer,
        )
        for s in rows
    )

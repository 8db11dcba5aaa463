"""Routing: assign (交办) suggestions to units, sign for them (签收), send them back
(退回) or pass them on (转办); and propose the unit for those no unit has yet.

The suggestion's ``unit`` always follows its open assignment, so the unit's
coordinator sees it through the scoping every page already uses. Each step is one
audit entry, written in the same transaction.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import Entry, audit_record, audit_record_many
from zhongzhi.campaigns.models import Campaign, Topic
from zhongzhi.core.bulk import insert_many
from zhongzhi.intake.access import changeable_suggestions
from zhongzhi.intake.models import Suggestion, SuggestionStatus
from zhongzhi.notifications.models import NotificationKind
from zhongzhi.notifications.selectors import coordinators_of
from zhongzhi.notifications.services import notify_many
from zhongzhi.org.models import Unit, User
from zhongzhi.screening.models import OPEN_STATES, Assignment, AssignmentState, RoutingProposal
from zhongzhi.screening.services.common import BulkRefused, Refusal
from zhongzhi.triage.routing import UnitMatcher, UnitNames

# Suggestions that need no unit: merged into another, or judged invalid.
NOT_ROUTED = (SuggestionStatus.MERGED, SuggestionStatus.INVALID)


def _check_unit_in_campaign(campaign: Campaign, unit: Unit) -> None:
    if not campaign.includes_unit(unit):
        raise ValidationError({"unit": _("所选单位不在这个活动的范围内。")})


def _deadlines(campaign: Campaign, now: datetime.datetime) -> tuple[datetime.datetime, ...]:
    return (
        now + datetime.timedelta(days=campaign.sign_within_days),
        now + datetime.timedelta(days=campaign.answer_within_days),
    )


@transaction.atomic
def suggestions_assign(
    *,
    campaign: Campaign,
    suggestion_ids: Sequence[int],
    unit: Unit,
    actor: User,
    note: str = "",
) -> list[Assignment]:
    """Assign suggestions of the to-assign queue to a unit: all of them, or none (the
    refusals say which stood in the way)."""
    _check_unit_in_campaign(campaign, unit)
    wanted = list(dict.fromkeys(suggestion_ids))
    if not wanted:
        raise ValidationError(_("请先选择要交办的意见建议。"))
    rows = {
        s.pk: s
        for s in Suggestion.objects.select_for_update(of=("self",))
        .select_related("unit")
        .filter(pk__in=wanted, campaign=campaign)
    }
    refusals = (
        [Refusal("", _("有 %(n)d 条意见建议不在这个活动里。") % {"n": n})]
        if (n := len(wanted) - len(rows))
        else []
    )
    for suggestion in rows.values():
        if suggestion.unit_id is not None:
            refusals.append(
                Refusal(
                    suggestion.receipt_code_display,
                    _("已交办给%(unit)s。") % {"unit": suggestion.unit},
                )
            )
        elif suggestion.status in NOT_ROUTED:
            refusals.append(
                Refusal(
                    suggestion.receipt_code_display,
                    _("已%(status)s，无需交办。") % {"status": suggestion.get_status_display()},
                )
            )
    if refusals:
        raise BulkRefused(refusals)
    now = timezone.now()
    sign_deadline, answer_deadline = _deadlines(campaign, now)
    note = note.strip()[:500]
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                suggestion=suggestion,
                campaign=campaign,
                unit=unit,
                note=note,
                assigned_by=actor,
                assigned_at=now,
                sign_deadline=sign_deadline,
                answer_deadline=answer_deadline,
            )
            for suggestion in rows.values()
        ],
        batch_size=500,
    )
    Suggestion.objects.filter(pk__in=rows, unit__isnull=True).update(unit=unit)
    audit_record_many(
        Entry(
            AuditAction.ASSIGN,
            suggestion,
            actor,
            campaign,
            unit,
            before={"unit": None},
            after={"unit": unit.name, "sign_deadline": sign_deadline.isoformat()},
            note=note,
        )
        for suggestion in rows.values()
    )
    _tell_unit(campaign, unit, len(assignments), sign_deadline)
    return assignments


def _tell_unit(
    campaign: Campaign, unit: Unit, count: int, sign_deadline: datetime.datetime
) -> None:
    """One notification per batch to the unit's coordinators: what came and by when."""
    notify_many(
        coordinators_of([unit.pk]).get(unit.pk, []),
        kind=NotificationKind.ASSIGNED,
        text=_("%(campaign)s：交办给%(unit)s %(count)d 条意见建议，请在 %(deadline)s 前签收。")
        % {
            "campaign": campaign.name,
            "unit": unit.name,
            "count": count,
            "deadline": f"{timezone.localtime(sign_deadline):%Y-%m-%d %H:%M}",
        },
        url=reverse("screening:sign", args=[campaign.pk]),
    )


def _lock_open(assignment_id: int) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("suggestion", "campaign__owner_unit", "unit")
        .get(pk=assignment_id)
    )
    if assignment.state == AssignmentState.RETURNED:
        raise ValidationError(_("这条交办已被退回，不能再办理。"))
    if assignment.state == AssignmentState.TRANSFERRED:
        raise ValidationError(_("这条交办已转给其他单位。"))
    return assignment


@transaction.atomic
def assignment_sign(*, assignment_id: int, actor: User) -> Assignment:
    assignment = _lock_open(assignment_id)
    if assignment.state == AssignmentState.SIGNED:
        raise ValidationError(_("这条交办已经签收过了。"))
    now = timezone.now()
    assignment.state = AssignmentState.SIGNED
    assignment.signed_by, assignment.signed_at = actor, now
    assignment.signed_late = now > assignment.sign_deadline
    assignment.save(update_fields=["state", "signed_by", "signed_at", "signed_late"])
    audit_record(
        action=AuditAction.SIGN,
        target=assignment.suggestion,
        actor=actor,
        campaign=assignment.campaign,
        unit=assignment.unit,
        after={"signed_late": assignment.signed_late},
        note=_("超过签收时限") if assignment.signed_late else "",
    )
    return assignment


def _check_not_decided(suggestion: Suggestion) -> None:
    if suggestion.decided:
        raise ValidationError(
            _("这条建议已经%(status)s，不能再退回或转办。")
            % {"status": suggestion.get_status_display()}
        )


def _close(assignment: Assignment, state: str, actor: User, reason: str) -> None:
    assignment.state = state
    assignment.closed_by, assignment.closed_at = actor, timezone.now()
    assignment.reason = reason
    assignment.save(update_fields=["state", "closed_by", "closed_at", "reason"])


@transaction.atomic
def assignment_send_back(*, assignment_id: int, actor: User, reason: str) -> Assignment:
    """The unit says it is not theirs: the suggestion goes back to the to-assign queue."""
    reason = reason.strip()[:500]
    if not reason:
        raise ValidationError({"reason": _("请写明退回的原因。")})
    assignment = _lock_open(assignment_id)
    _check_not_decided(assignment.suggestion)
    _close(assignment, AssignmentState.RETURNED, actor, reason)
    Suggestion.objects.filter(pk=assignment.suggestion_id).update(unit=None)
    audit_record(
        action=AuditAction.SEND_BACK,
        target=assignment.suggestion,
        actor=actor,
        campaign=assignment.campaign,
        unit=assignment.unit,
        before={"unit": assignment.unit.name},
        after={"unit": None},
        note=reason,
    )
    return assignment


@transaction.atomic
def assignment_transfer(
    *, assignment_id: int, actor: User, to_unit: Unit, note: str = ""
) -> Assignment:
    """Pass the suggestion on to another unit of the campaign; returns the new
    assignment, which points to the one it continues."""
    assignment = _lock_open(assignment_id)
    _check_unit_in_campaign(assignment.campaign, to_unit)
    if to_unit.pk == assignment.unit_id:
        raise ValidationError({"unit": _("请选择另一个单位：转办要交给别的单位。")})
    _check_not_decided(assignment.suggestion)
    note = note.strip()[:500]
    _close(assignment, AssignmentState.TRANSFERRED, actor, note)
    now = timezone.now()
    sign_deadline, answer_deadline = _deadlines(assignment.campaign, now)
    transferred = Assignment.objects.create(
        suggestion=assignment.suggestion,
        campaign=assignment.campaign,
        unit=to_unit,
        previous=assignment,
        note=note,
        assigned_by=actor,
        assigned_at=now,
        sign_deadline=sign_deadline,
        answer_deadline=answer_deadline,
    )
    Suggestion.objects.filter(pk=assignment.suggestion_id).update(unit=to_unit)
    audit_record(
        action=AuditAction.TRANSFER,
        target=assignment.suggestion,
        actor=actor,
        campaign=assignment.campaign,
        unit=to_unit,
        before={"unit": assignment.unit.name},
        after={"unit": to_unit.name},
        note=note,
    )
    _tell_unit(assignment.campaign, to_unit, 1, sign_deadline)
    return transferred


def open_assignment(suggestion: Suggestion) -> Assignment | None:
    return suggestion.assignments.filter(state__in=OPEN_STATES).first()


def may_route(user: User, suggestion: Suggestion) -> bool:
    return changeable_suggestions(user).filter(pk=suggestion.pk).exists()


# --- proposals ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitProposal:
    unit: Unit
    reasons: list[str]
    confidence: float


class Proposer:
    """Proposes a unit for suggestions of one campaign: from the places and unit names
    the text mentions, else from the topic's usual unit."""

    def __init__(self, campaign: Campaign) -> None:
        units = list(
            Unit.objects.filter(path__startswith=campaign.owner_unit.path).exclude(
                pk=campaign.owner_unit_id
            )
        )
        self.units = {unit.pk: unit for unit in units}
        self.matcher = UnitMatcher(
            [
                UnitNames(
                    unit.pk,
                    unit.path,
                    tuple(filter(None, [unit.name, unit.short_name, *unit.place_names])),
                )
                for unit in units
            ]
        )
        self.topics = {
            topic.pk: topic
            for topic in Topic.objects.filter(campaign=campaign, usual_unit__isnull=False)
        }

    def propose(
        self, texts: Sequence[str], topic_ids: Sequence[int | None]
    ) -> list[UnitProposal | None]:
        proposals: list[UnitProposal | None] = []
        for found, topic_id in zip(self.matcher.propose_many(texts), topic_ids, strict=True):
            topic = self.topics.get(topic_id) if topic_id else None
            usual = self.units.get(topic.usual_unit_id) if topic and topic.usual_unit_id else None
            if found is not None:
                unit = self.units[found.unit_id]
                names = "”“".join(found.matched[:3])
                reasons = [_("提到“%(names)s”（%(unit)s）") % {"names": names, "unit": unit.name}]
                confidence = found.confidence
                if usual is not None and usual.pk == unit.pk:
                    reasons.append(_("方面“%(topic)s”通常由它办理") % {"topic": topic})
                    confidence = min(1.0, confidence + 0.2)
                proposals.append(UnitProposal(unit, reasons, round(confidence, 2)))
            elif usual is not None:
                reason = _("方面“%(topic)s”通常由%(unit)s办理") % {"topic": topic, "unit": usual}
                proposals.append(UnitProposal(usual, [reason], 0.5))
            else:
                proposals.append(None)
        return proposals


def _topic_of(suggestion: Suggestion) -> int | None:
    if suggestion.topic_id:
        return suggestion.topic_id
    triage = getattr(suggestion, "triage", None)
    return triage.topic_guess_id if triage is not None else None


def proposals_for(campaign: Campaign, suggestions: Sequence[Suggestion]) -> dict[int, UnitProposal]:
    """Proposals for a page of suggestions: stored ones, the rest worked out now."""
    stored = {
        p.suggestion_id: UnitProposal(p.unit, p.reasons, p.confidence)
        for p in RoutingProposal.objects.filter(
            suggestion__in=[s.pk for s in suggestions]
        ).select_related("unit")
    }
    missing = [s for s in suggestions if s.pk not in stored]
    if missing:
        proposer = Proposer(campaign)
        found = proposer.propose(
            [f"{s.title}\n{s.text}" for s in missing], [_topic_of(s) for s in missing]
        )
        stored.update({s.pk: p for s, p in zip(missing, found, strict=True) if p is not None})
    return stored


CHUNK = 2_000


def campaign_routing_proposals(
    campaign: Campaign, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Work out and store a proposal for every suggestion of the campaign that waits to
    be assigned; returns how many got one. Chunked, so memory stays flat at any size."""
    waiting = (
        Suggestion.objects.filter(campaign=campaign, unit__isnull=True)
        .exclude(status__in=NOT_ROUTED)
        .order_by("pk")
    )
    total = waiting.count()
    proposer = Proposer(campaign)
    RoutingProposal.objects.filter(campaign=campaign).delete()
    done = stored = 0
    last_pk = 0
    guesses = dict(
        Suggestion.objects.filter(
            campaign=campaign, unit__isnull=True, triage__isnull=False
        ).values_list("pk", "triage__topic_guess_id")
    )
    now = timezone.now()
    while True:
        chunk = list(
            waiting.filter(pk__gt=last_pk).values_list("pk", "title", "text", "topic_id")[:CHUNK]
        )
        if not chunk:
            break
        last_pk = chunk[-1][0]
        found = proposer.propose(
            [f"{title}\n{text}" for _pk, title, text, _topic in chunk],
            [topic or guesses.get(pk) for pk, _title, _text, topic in chunk],
        )
        rows = [
            RoutingProposal(
                suggestion_id=pk,
                campaign=campaign,
                unit=proposal.unit,
                reasons=proposal.reasons,
                confidence=proposal.confidence,
                computed_at=now,
            )
            for (pk, *_rest), proposal in zip(chunk, found, strict=True)
            if proposal is not None
        ]
        insert_many(rows)
        stored += len(rows)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return stored

"""Writes for campaign setup: campaigns, stages, topics, categories, plan items, templates."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.campaigns.blueprints import BLUEPRINTS, Blueprint, blueprint_applied, split_period
from zhongzhi.campaigns.models import (
    Campaign,
    ParticipantCategory,
    PlanItem,
    PlanItemStatus,
    Stage,
    Topic,
)
from zhongzhi.org.models import Unit, User


@transaction.atomic
def campaign_create(
    *,
    name: str,
    owner_unit: Unit,
    start_date: datetime.date,
    end_date: datetime.date,
    theme: str = "",
    slogan: str = "",
    templates: Sequence[str] = (),
) -> Campaign:
    campaign = Campaign(
        name=name,
        theme=theme,
        slogan=slogan,
        owner_unit=owner_unit,
        start_date=start_date,
        end_date=end_date,
    )
    campaign.full_clean()
    campaign.save()
    for key in templates:
        template_apply(campaign=campaign, key=key)
    return campaign


@transaction.atomic
def stage_add(
    *,
    campaign: Campaign,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    description: str = "",
) -> Stage:
    """Add a stage; stages are ordered by date and may not overlap."""
    # Lock the campaign row so that two stages added at once cannot overlap.
    Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    stage = Stage(
        campaign=campaign,
        name=name,
        description=description,
        start_date=start_date,
        end_date=end_date,
        order=Stage.objects.filter(campaign=campaign).count() + 1,
    )
    stage.full_clean(exclude=["order"])
    stage.save()
    _renumber_stages(campaign)
    stage.refresh_from_db()
    return stage


@transaction.atomic
def stage_update(
    *,
    stage: Stage,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date,
    description: str = "",
) -> Stage:
    stage.name, stage.description = name, description
    stage.start_date, stage.end_date = start_date, end_date
    Campaign.objects.select_for_update(no_key=True).get(pk=stage.campaign_id)
    stage.full_clean(exclude=["order"])
    stage.save()
    _renumber_stages(stage.campaign)
    return stage


def _renumber_stages(campaign: Campaign) -> None:
    stages = list(Stage.objects.filter(campaign=campaign).order_by("start_date", "pk"))
    # Two passes so that the unique (campaign, order) constraint never sees a clash.
    for offset, stage in enumerate(stages, start=1000):
        Stage.objects.filter(pk=stage.pk).update(order=offset)
    for order, stage in enumerate(stages, start=1):
        Stage.objects.filter(pk=stage.pk).update(order=order)


def _check_unique_name(
    model: type[Topic] | type[ParticipantCategory], campaign: Campaign, name: str, message: str
) -> None:
    if model.objects.filter(campaign=campaign, name=name).exists():
        raise ValidationError({"name": message % {"name": name}})


@transaction.atomic
def topic_add(
    *, campaign: Campaign, name: str, description: str = "", keywords: Sequence[str] = ()
) -> Topic:
    name = name.strip()
    _check_unique_name(Topic, campaign, name, _("方面“%(name)s”已存在。"))
    topic = Topic(
        campaign=campaign,
        name=name,
        description=description,
        keywords=[word.strip() for word in keywords if word.strip()],
        order=Topic.objects.filter(campaign=campaign).count() + 1,
    )
    topic.full_clean()
    topic.save()
    return topic


@transaction.atomic
def category_add(*, campaign: Campaign, name: str, description: str = "") -> ParticipantCategory:
    name = name.strip()
    _check_unique_name(ParticipantCategory, campaign, name, _("群体类别“%(name)s”已存在。"))
    category = ParticipantCategory(
        campaign=campaign,
        name=name,
        description=description,
        order=ParticipantCategory.objects.filter(campaign=campaign).count() + 1,
    )
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def plan_item_add(
    *,
    campaign: Campaign,
    title: str,
    lead_units: Sequence[Unit] = (),
    stage: Stage | None = None,
    description: str = "",
    kind: str = "required",
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    lead_note: str = "",
) -> PlanItem:
    if stage is not None and stage.campaign_id != campaign.pk:
        raise ValidationError({"stage": _("所选阶段不属于这个活动。")})
    item = PlanItem(
        campaign=campaign,
        stage=stage,
        title=title,
        description=description,
        kind=kind,
        start_date=start_date or (stage.start_date if stage else None),
        end_date=end_date or (stage.end_date if stage else None),
        lead_note=lead_note,
        order=PlanItem.objects.filter(campaign=campaign, stage=stage).count() + 1,
    )
    item.full_clean()
    item.save()
    item.lead_units.set(lead_units)
    return item


@transaction.atomic
def plan_item_update_status(
    *, plan_item: PlanItem, status: str, note: str, updated_by: User
) -> PlanItem:
    if status not in PlanItemStatus.values:
        raise ValidationError({"status": _("未知的状态。")})
    plan_item.status = status
    plan_item.status_note = note.strip()
    plan_item.status_updated_at = timezone.now()
    plan_item.status_updated_by = updated_by
    plan_item.full_clean()
    plan_item.save()
    return plan_item


def _resolve_lead_units(campaign: Campaign, names: Sequence[str]) -> list[Unit]:
    """Map the lead units a plan names onto units of the owning unit's subtree.

    "街道各党组织"-style leads (every organisation of the owner) map to the owner; while
    a named lead has no unit in the tree, the owner leads (the plan's wording stays in
    `PlanItem.lead_note`).
    """
    subtree = Unit.objects.filter(path__startswith=campaign.owner_unit.path)
    units: list[Unit] = []
    missing: list[str] = []
    for name in names:
        match = subtree.filter(short_name=name).first() or subtree.filter(name=name).first()
        if match is None and name.startswith(("街道各", "各")):
            match = campaign.owner_unit
        if match is None:
            missing.append(name)
        elif match not in units:
            units.append(match)
    if missing and campaign.owner_unit not in units:
        units.append(campaign.owner_unit)
    return units


@transaction.atomic
def template_apply(*, campaign: Campaign, key: str) -> Blueprint:
    """Create a template's stages, topics, categories and plan items in one go."""
    blueprint = BLUEPRINTS.get(key)
    if blueprint is None:
        raise ValidationError({"template": _("没有名为“%(key)s”的模板。") % {"key": key}})
    # Lock the row and work on the fresh copy; the caller's instance is brought up to
    # date at the end so that it does not hold (and later save) a stale template list.
    caller_campaign = campaign
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if key in campaign.applied_templates:
        raise ValidationError(
            {"template": _("模板“%(name)s”已经套用过，不能重复套用。") % {"name": blueprint.name}}
        )
    blueprint_apply(campaign=campaign, blueprint=blueprint)
    campaign.applied_templates = [*campaign.applied_templates, key]
    campaign.save(update_fields=["applied_templates"])
    caller_campaign.applied_templates = campaign.applied_templates
    return blueprint


@transaction.atomic
def blueprint_apply(*, campaign: Campaign, blueprint: Blueprint) -> None:
    """Create a blueprint's stages, topics, categories and plan items: a template's, or
    a plan that is not one (the demo's own), which `applied_templates` does not list."""
    stages: list[Stage] = []
    try:
        periods = split_period(
            campaign.start_date, campaign.end_date, [spec.share for spec in blueprint.stages]
        )
    except ValueError:
        raise ValidationError(
            {
                "template": _("活动时间太短，放不下模板的 %(count)d 个阶段。")
                % {"count": len(blueprint.stages)}
            }
        ) from None
    for spec, (start, end) in zip(blueprint.stages, periods, strict=True):
        stages.append(
            stage_add(
                campaign=campaign,
                name=spec.name,
                description=spec.description,
                start_date=start,
                end_date=end,
            )
        )
    for topic_spec in blueprint.topics:
        topic_add(
            campaign=campaign,
            name=topic_spec.name,
            description=topic_spec.description,
            keywords=topic_spec.keywords,
        )
    for category_spec in blueprint.categories:
        category_add(
            campaign=campaign, name=category_spec.name, description=category_spec.description
        )
    for item_spec in blueprint.plan_items:
        plan_item_add(
            campaign=campaign,
            stage=stages[item_spec.stage] if item_spec.stage is not None else None,
            title=item_spec.title,
            description=item_spec.description,
            kind=item_spec.kind,
            lead_units=_resolve_lead_units(campaign, item_spec.lead_units),
            lead_note="、".join(item_spec.lead_units),
        )
    blueprint_applied.send(sender=Blueprint, campaign=campaign, blueprint=blueprint)

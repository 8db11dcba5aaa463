"""The campaign arguments shared by the analysis commands: ids, or --all."""

from typing import Any

from django.core.management.base import CommandError, CommandParser

from zhongzhi.campaigns.models import Campaign


def add_campaign_arguments(parser: CommandParser) -> None:
    parser.add_argument("campaign_ids", nargs="*", type=int, help="活动编号")
    parser.add_argument("--all", action="store_true", help="所有活动")


def campaign_ids(options: dict[str, Any]) -> list[int]:
    """The campaigns named on the command line, checked to exist; a CommandError in
    Chinese otherwise."""
    ids: list[int] = options["campaign_ids"]
    if options["all"]:
        return list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
    if not ids:
        raise CommandError("请给出活动编号，或用 --all 处理所有活动。")
    missing = set(ids) - set(Campaign.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if missing:
        raise CommandError(f"没有这些编号的活动：{'、'.join(map(str, sorted(missing)))}")
    return ids

"""Recreate the shared near-duplicate index of one campaign, or of all campaigns."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zhongzhi.analysis.similarity import rebuild_index
from zhongzhi.campaigns.models import Campaign


class Command(BaseCommand):
    help = "重建活动的意见建议查重索引（数据库或 Redis，按 ZHONGZHI_DUPLICATE_INDEX）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("campaign_ids", nargs="*", type=int, help="campaign ids")
        parser.add_argument("--all", action="store_true", help="every campaign")

    def handle(self, *args: Any, **options: Any) -> None:
        ids: list[int] = options["campaign_ids"]
        if options["all"]:
            ids = list(Campaign.objects.order_by("pk").values_list("pk", flat=True))
        elif not ids:
            raise CommandError("Give campaign ids, or --all.")
        missing = set(ids) - set(Campaign.objects.filter(pk__in=ids).values_list("pk", flat=True))
        if missing:
            raise CommandError(f"No such campaign: {', '.join(map(str, sorted(missing)))}")
        quiet = options["verbosity"] == 0
        for campaign_id in ids:
            with tqdm(desc=f"campaign {campaign_id}", unit="row", disable=quiet) as bar:

                def progress(done: int, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                count = rebuild_index(campaign_id, progress)
            if not quiet:
                self.stdout.write(f"campaign {campaign_id}: {count} suggestions indexed")

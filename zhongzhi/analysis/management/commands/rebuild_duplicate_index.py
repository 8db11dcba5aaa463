"""Recreate the shared near-duplicate index of one campaign, or of all campaigns."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from zhongzhi.analysis.management.commands._campaigns import (
    add_campaign_arguments,
    campaign_ids,
)
from zhongzhi.analysis.similarity import rebuild_index


class Command(BaseCommand):
    help = "重建活动的意见建议查重索引（数据库或 Redis，按 ZHONGZHI_DUPLICATE_INDEX）。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_campaign_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        ids = campaign_ids(options)
        quiet = options["verbosity"] == 0
        for campaign_id in ids:
            with tqdm(desc=f"campaign {campaign_id}", unit="row", disable=quiet) as bar:

                def progress(done: int, total: int, bar: tqdm = bar) -> None:
                    bar.total = total
                    bar.update(done - bar.n)

                count = rebuild_index(campaign_id, progress)
            if not quiet:
                self.stdout.write(f"campaign {campaign_id}: {count} suggestions indexed")

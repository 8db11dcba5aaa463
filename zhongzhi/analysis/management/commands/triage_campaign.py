"""Triage one campaign, or every campaign, now (what the background task does).

zhongzhi manage triage_campaign 1 [2 …] | --all [--retrain]
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from zhongzhi.analysis.management.commands._campaigns import (
    add_campaign_arguments,
    campaign_ids,
)
from zhongzhi.analysis.services import campaign_triage, topic_model_retrain, triage_stages


class Command(BaseCommand):
    help = "对活动的意见建议运行分流分析：查重、推测方面、热点问题、可办性评分。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_campaign_arguments(parser)
        parser.add_argument(
            "--retrain", action="store_true", help="retrain the topic model from labels first"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ids = campaign_ids(options)
        quiet = options["verbosity"] == 0
        for campaign_id in ids:
            if options["retrain"]:
                outcome = topic_model_retrain(campaign_id)
                if not quiet:
                    trained = (
                        f"version {outcome.version.pk}, macro-F1 {outcome.version.macro_f1}"
                        if outcome.version
                        else f"not trained: {outcome.reason}"
                    )
                    self.stdout.write(
                        f"campaign {campaign_id}: {outcome.label_count} labels, {trained}"
                    )
            with tqdm(
                desc=f"campaign {campaign_id}",
                total=len(triage_stages()),
                unit="stage",
                disable=quiet,
            ) as bar:
                started: set[str] = set()

                def progress(
                    stage: str, done: int, total: int, bar: tqdm = bar, started: set[str] = started
                ) -> None:
                    # Each stage reports twice: when it starts, then when it ends.
                    if stage not in started:
                        started.add(stage)
                        bar.set_postfix_str(stage)
                    else:
                        bar.update(1)

                summary = campaign_triage(campaign_id, progress)
            if not quiet:
                timings = ", ".join(f"{k} {v:.1f}s" for k, v in summary.timings.items())
                self.stdout.write(
                    f"campaign {campaign_id}: {summary.suggestions} suggestions, "
                    f"{summary.groups} groups, {summary.topic_guesses} topic guesses, "
                    f"{summary.issues} hot issues in {summary.seconds:.1f}s ({timings})"
                )

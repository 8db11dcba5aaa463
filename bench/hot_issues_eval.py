"""Hot-issue clustering on the TIPDM annex 3 messages, against two teams' silver groups.

    .venv/bin/python bench/hot_issues_eval.py [--scale 151681]

Reads /work/shared/data/tipdm2020c (or $ZHONGZHI_TIPDM_DIR); never copies it. Clusters
all 4,326 annex-3 messages (title + detail, time, likes) with ``cluster_hot_issues``,
then compares, for each team's hot-issue groups, the same-issue pairs among the
messages that team labelled: precision, recall and F1 of our pairs, and the two teams'
agreement with each other as a reference. Figures are reported, not targeted: the teams
kept only their top five issues each, so "recall" is only over those.
Then times the clustering of ``--scale`` texts built by repeating the TIPDM messages
with a changing suffix (so they are not exact copies).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zhongzhi.triage.hot_issues import HotIssueInput, cluster_hot_issues

DATA = Path(os.environ.get("ZHONGZHI_TIPDM_DIR", "/work/shared/data/tipdm2020c"))


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def parse_time(value: str) -> datetime | None:
    for pattern in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M"):
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None


def pairs(groups: dict[str, str], members: set[str]) -> set[tuple[str, str]]:
    """Unordered same-group pairs among ``members`` (message id -> group id)."""
    by_group: dict[str, list[str]] = {}
    for message in sorted(members):
        if message in groups:
            by_group.setdefault(groups[message], []).append(message)
    return {pair for ids in by_group.values() for pair in itertools.combinations(ids, 2)}


def score(ours: set[tuple[str, str]], truth: set[tuple[str, str]]) -> str:
    hit = len(ours & truth)
    precision = hit / len(ours) if ours else 0.0
    recall = hit / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  ({len(truth)} pairs)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=151_681)
    parser.add_argument("--threshold", type=float, default=0.1)
    args = parser.parse_args()
    if not (DATA / "hot_messages_annex3.csv").exists():
        print(f"TIPDM data not found in {DATA}: nothing to evaluate.")
        return 0
    rows = read("hot_messages_annex3.csv")
    items = [
        HotIssueInput(
            id=r["msg_id"],
            text=r["title"] + "\n" + r["detail"],
            time=parse_time(r["time"]),
            likes=int(r["likes"] or 0),
        )
        for r in rows
    ]
    started = time.perf_counter()
    issues = cluster_hot_issues(items, threshold=args.threshold, detail_limit=10)
    seconds = time.perf_counter() - started
    print(
        f"{len(items)} annex-3 messages -> {len(issues)} issues (>= 3 members) in {seconds:.1f} s"
    )
    for issue in issues[:8]:
        print(
            f"  heat {issue.heat:7.1f}  size {issue.size:3d}  +1 {issue.likes:5d}  "
            f"{issue.label} | places {issue.places[:3]} | groups {issue.groups[:3]} | "
            f"keywords {issue.keywords[:5]}"
        )
    ours = {m: str(n) for n, issue in enumerate(issues) for m in issue.member_ids}

    teams: dict[str, dict[str, str]] = {}
    for path in sorted(DATA.glob("hot_issue_groups_*.csv")):
        team = path.stem.removeprefix("hot_issue_groups_")
        teams[team] = {r["msg_id"]: r["issue_id"] for r in read(path.name)}
    for team, groups in teams.items():
        members = set(groups)
        figures = score(pairs(ours, members), pairs(groups, members))
        print(f"vs {team} ({len(members)} messages): {figures}")
    names = list(teams)
    for a, b in itertools.combinations(names, 2):
        shared = set(teams[a]) & set(teams[b])
        print(
            f"{a} vs {b} on the {len(shared)} messages both labelled: "
            f"{score(pairs(teams[a], shared), pairs(teams[b], shared))}"
        )

    if args.scale:
        big = [
            HotIssueInput(
                id=i,
                text=items[i % len(items)].text + f" 第{i // len(items)}次",
                time=items[i % len(items)].time,
                likes=items[i % len(items)].likes,
                unit=f"unit{i % 97}",
            )
            for i in range(args.scale)
        ]
        chars = sum(len(t.text) for t in big)
        started, cpu = time.perf_counter(), time.process_time()
        found = cluster_hot_issues(big)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"cluster {len(big):,} texts ({chars / 1e6:.1f} M characters): {seconds:.1f} s wall, "
            f"{cpu:.1f} s CPU, {len(found)} issues ({os.cpu_count()} cores here)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``zhongzhi triage``: the triage engine on files, without a database.

    zhongzhi triage run INPUT --id-column ID --text-column TEXT [--title-column T]
        [--time-column T] [--likes-column L] [--unit-column U]
        [--model DIR | --topics FILE] [--user-words FILE] --output OUT
    zhongzhi triage train INPUT --text-column TEXT --label-column LABEL [--title-column T]
        [--unlabelled FILE [--unlabelled-text-column C]] [--topics FILE] --output DIR
    zhongzhi triage eval [all|dedup|topics|hot-issues] [--data DIR]

Other teams script against ``run``: its options and output columns are a contract.
Every user mistake (missing file or column, broken encoding, empty file, unknown
extension) ends with a message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final, NoReturn

from zhongzhi.triage.io import (
    READ_FORMATS,
    WRITE_FORMATS,
    Table,
    TableError,
    as_int,
    as_text,
    as_time,
    read_table,
    write_table,
)

__all__ = ["OUTPUT_COLUMNS", "main"]

EXIT_USAGE: Final = 2
REPO: Final = Path(__file__).resolve().parents[2]
DEFAULT_DATA: Final = (REPO / ".." / "shared" / "data" / "tipdm2020c").resolve()
OUTPUT_COLUMNS: Final = (
    "id",
    "group",
    "canonical",
    "duplicate_of",
    "topic",
    "topic_confidence",
    "topic_evidence",
    "issue",
    "issue_label",
    "keywords",
    "score",
    "reasons",
)
ISSUE_COLUMNS: Final = (
    "issue",
    "label",
    "size",
    "likes",
    "heat",
    "representative_id",
    "first_time",
    "last_time",
    "places",
    "groups",
    "units",
    "keywords",
    "summary",
    "member_ids",
)
_TOPIC_COLUMNS: Final = {
    "name": ("name", "topic", "名称", "主题", "方面"),
    "description": ("description", "说明", "描述", "简介"),
    "keywords": ("keywords", "关键词", "关键字"),
}
_KEYWORD_SPLIT: Final = "、,，;；/ \t\r\n"
EVALUATIONS: Final = {
    "dedup": ("bench/dedup_eval.py", "近似重复 (near-duplicates)：与 datasketch MinHashLSH 对比"),
    "topics": ("bench/topics_eval.py", "主题分类 (topics)：与 TF-IDF + LinearSVC 对比"),
    "hot-issues": ("bench/hot_issues_eval.py", "热点聚类 (hot issues)：与两支队伍的分组对比"),
}
_FILE_TYPES: Final = f"{'/'.join(s.lstrip('.') for s in READ_FORMATS)}"


class UsageError(Exception):
    """Bad input worded for the user: printed as is, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse with its messages on stderr and exit code 2, in Chinese where it speaks."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}：参数错误 (usage)：{message}\n")


# --- parsers ----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zhongzhi triage",
        description="对建议做分流：规范化、近似去重、主题、热点聚类、关键词和金点子评分（不需要数据库）。",
    )
    commands = parser.add_subparsers(dest="command", metavar="{run,train,eval}")
    commands.required = True

    run = commands.add_parser(
        "run",
        help="对一个文件里的全部建议做分流，写出每条建议一行的结果",
        description=(
            "读取 CSV、xlsx 或 JSON Lines，对每一行建议做分流，按输出文件扩展名写出 "
            "jsonl、xlsx 或 csv，每个输入行一行。输出列：id；group（近似重复组，相同即"
            "“同一条建议”，取组内第一条在输入中的序号，从 0 起）；canonical（每组恰有一条为 "
            "true）；duplicate_of（重复时所重复的建议 id）；topic（主题，不确定时为空）；"
            "topic_confidence；topic_evidence；issue（热点序号，0 为最热，不属于热点时为空）；"
            "issue_label；keywords；score（金点子评分 0-100）；reasons（评分理由）。"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("input", metavar="INPUT", help=f"输入文件（{_FILE_TYPES}）")
    run.add_argument("--id-column", required=True, metavar="ID", help="建议编号所在列")
    run.add_argument("--text-column", required=True, metavar="TEXT", help="建议正文所在列")
    run.add_argument("--title-column", metavar="T", help="标题所在列（可选）")
    run.add_argument("--time-column", metavar="T", help="提交时间所在列（可选；无时区按北京时间）")
    run.add_argument("--likes-column", metavar="L", help="附议数（+1）所在列（可选）")
    run.add_argument("--unit-column", metavar="U", help="所属单位所在列（可选，用于热点覆盖单位）")
    source = run.add_mutually_exclusive_group()
    source.add_argument(
        "--model", metavar="DIR", help="用 `zhongzhi triage train` 训练的主题模型目录"
    )
    source.add_argument(
        "--topics",
        metavar="FILE",
        help="活动的主题表（csv/xlsx/jsonl，列 name、description、keywords；"
        "关键词用 、,， 或空格分隔）；不给模型也不给主题表时主题留空",
    )
    run.add_argument(
        "--user-words",
        metavar="FILE",
        help="分词用户词典：每行一个地名或单位名（可选；主题关键词会自动加入）",
    )
    run.add_argument(
        "--output", required=True, metavar="OUT", help=f"输出文件（{'/'.join(WRITE_FORMATS)}）"
    )
    run.add_argument(
        "--issues-output", metavar="FILE", help="另写出热点列表（jsonl/xlsx/csv，可选）"
    )
    run.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="并行进程数（默认 %(default)s；1 = 单进程）",
    )
    run.add_argument("--quiet", action="store_true", help="不显示进度条")

    train = commands.add_parser(
        "train",
        help="用已标注主题的建议训练主题模型，保存到目录",
        description=(
            "用已标注主题的建议训练主题模型并保存到 DIR；标注为空的行作为未标注数据参与词表。"
        ),
    )
    train.add_argument("input", metavar="INPUT", help=f"已标注的建议（{_FILE_TYPES}）")
    train.add_argument("--text-column", required=True, metavar="TEXT", help="建议正文所在列")
    train.add_argument("--label-column", required=True, metavar="LABEL", help="主题标注所在列")
    train.add_argument("--title-column", metavar="T", help="标题所在列（可选）")
    train.add_argument("--unlabelled", metavar="FILE", help="未标注的建议（可选，用于词表）")
    train.add_argument(
        "--unlabelled-text-column",
        metavar="C",
        help="未标注文件的正文列（默认与 --text-column 相同）",
    )
    train.add_argument(
        "--topics", metavar="FILE", help="活动的主题表（可选；其关键词作为模型的先验）"
    )
    train.add_argument("--output", required=True, metavar="DIR", help="模型保存目录")

    evaluate = commands.add_parser(
        "eval",
        help="在公开数据上运行质量评测，每项指标与基线并列",
        description=(
            "运行各模块的质量评测脚本（bench/*_eval.py），每项指标与其基线并列打印。"
            "其余参数原样传给评测脚本，例如 `zhongzhi triage eval topics --seeds 2`。"
        ),
    )
    evaluate.add_argument(
        "which",
        nargs="?",
        default="all",
        choices=["all", *EVALUATIONS],
        help="评测哪一项（默认 all）",
    )
    evaluate.add_argument(
        "--data",
        metavar="DIR",
        default=str(DEFAULT_DATA),
        help="tipdm2020c 数据目录（默认 %(default)s）",
    )
    return parser


# --- helpers ----------------------------------------------------------------------------


def _read(path: str, what: str) -> Table:
    table = read_table(path)
    if table.encoding and table.encoding != "UTF-8":
        print(f"{what} {path}：使用 {table.encoding} 编码 (encoding) 读取", file=sys.stderr)
    return table


def _cells(table: Table, column: str | None) -> list[Any]:
    return table.column(column) if column else [None] * len(table.rows)


def _split_keywords(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(as_text(v).strip() for v in value if as_text(v).strip())
    text = as_text(value)
    for separator in _KEYWORD_SPLIT[1:]:
        text = text.replace(separator, _KEYWORD_SPLIT[0])
    return tuple(word for word in text.split(_KEYWORD_SPLIT[0]) if word)


def read_topics(path: str) -> list[Any]:
    """The campaign's topics from a table with name, description and keywords columns."""
    from zhongzhi.triage.topics import TopicSpec

    table = _read(path, "主题表")
    found: dict[str, str | None] = {}
    for field, aliases in _TOPIC_COLUMNS.items():
        lowered = {c.lower(): c for c in table.columns}
        found[field] = next((lowered[a] for a in aliases if a in lowered), None)
    if found["name"] is None:
        table.require("name")
    names = table.column(str(found["name"]))
    descriptions = _cells(table, found["description"])
    keywords = _cells(table, found["keywords"])
    topics = []
    for name, description, words in zip(names, descriptions, keywords, strict=True):
        if as_text(name).strip():
            topics.append(
                TopicSpec(
                    as_text(name).strip(), as_text(description).strip(), _split_keywords(words)
                )
            )
    if not topics:
        raise UsageError(f"主题表 {path} 中没有主题：name 列全部为空")
    return topics


def _read_user_words(path: str) -> list[str]:
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"找不到用户词典 (file not found)：{path}")
    if file.suffix.lower() in READ_FORMATS:
        table = _read(path, "用户词典")
        return [as_text(v).strip() for v in table.column(table.columns[0]) if as_text(v).strip()]
    from zhongzhi.triage.io import decode_bytes

    text, _encoding = decode_bytes(file.read_bytes(), file)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _check_output(path: str, suffixes: Sequence[str]) -> None:
    file = Path(path)
    if file.suffix.lower() not in suffixes:
        raise UsageError(
            f"不支持的输出类型 (unknown extension) “{file.suffix or '无扩展名'}”：{path}。"
            f"可写出 {'、'.join(suffixes)}"
        )
    parent = file.parent if str(file.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"输出目录不存在 (directory not found)：{parent}")


def _progress_bar(
    quiet: bool, stages: Sequence[str]
) -> tuple[Callable[[str, int, int], None], Any]:
    if quiet:
        return (lambda _stage, _done, _total: None), None
    import tqdm

    # No monitor thread: the pipeline forks a worker, and forking a threaded process is
    # unsafe.
    tqdm.tqdm.monitor_interval = 0
    bar = tqdm.tqdm(total=len(stages), unit="步", file=sys.stderr, desc="分流", leave=True)
    names = {
        "normalise": "规范化",
        "duplicates": "近似去重",
        "topics": "主题",
        "keywords": "关键词",
        "hot_issues": "热点聚类",
        "scores": "评分",
    }

    started: set[str] = set()

    def progress(stage: str, done: int, total: int) -> None:
        # Each stage reports twice: when it starts, then when it ends.
        if stage not in started:
            started.add(stage)
            bar.set_description(f"分流：{names.get(stage, stage)}")
        else:
            bar.update(1)

    return progress, bar


# --- run --------------------------------------------------------------------------------


def _run(options: argparse.Namespace) -> int:
    from zhongzhi.triage.pipeline import STAGES, TriageInput, triage_batch

    _check_output(options.output, WRITE_FORMATS)
    if options.issues_output:
        _check_output(options.issues_output, WRITE_FORMATS)
    model = None
    topics: list[Any] = []
    if options.model:
        model = _load_model(options.model)
    elif options.topics:
        topics = read_topics(options.topics)
    words = _read_user_words(options.user_words) if options.user_words else []
    words += [w for t in topics for w in t.keywords]

    started = time.perf_counter()
    table = _read(options.input, "输入")
    table.require(
        options.id_column,
        options.text_column,
        options.title_column,
        options.time_column,
        options.likes_column,
        options.unit_column,
    )
    ids = [as_text(v).strip() for v in table.column(options.id_column)]
    texts = [as_text(v) for v in table.column(options.text_column)]
    titles = [as_text(v) for v in _cells(table, options.title_column)]
    raw_times = _cells(table, options.time_column)
    raw_likes = _cells(table, options.likes_column)
    units = [as_text(v).strip() or None for v in _cells(table, options.unit_column)]
    times = [as_time(v) for v in raw_times]
    likes = [as_int(v) for v in raw_likes]
    _warn_count(sum(1 for i in ids if not i), "行没有编号 (id)，输出中 id 为空")
    _warn_count(len(ids) - len(set(ids)), "行的编号 (id) 与前面的行重复，仍各自输出一行")
    _warn_count(
        sum(
            1
            for raw, t in zip(raw_times, times, strict=True)
            if raw not in (None, "") and t is None
        ),
        f"行的时间（{options.time_column}）无法识别，按没有时间处理",
    )
    _warn_count(
        sum(1 for n in likes if n is None), f"行的附议数（{options.likes_column}）无法识别，按 0 计"
    )
    items = [
        TriageInput(
            id=ids[i],
            text=texts[i],
            title=titles[i],
            time=times[i],
            likes=likes[i] or 0,
            unit=units[i],
        )
        for i in range(len(ids))
    ]
    read_seconds = time.perf_counter() - started

    progress, bar = _progress_bar(options.quiet, STAGES)
    try:
        result = triage_batch(
            items,
            topics=topics,
            model=model,
            user_words=words,
            progress=progress,
            workers=max(1, options.workers),
        )
    finally:
        if bar is not None:
            bar.close()

    started = time.perf_counter()
    rows = result.rows
    labels = [issue.label for issue in result.issues]
    write_table(
        options.output,
        OUTPUT_COLUMNS,
        (
            [
                row.id,
                row.group,
                row.canonical,
                None if row.canonical else rows[row.group].id,
                row.topic,
                round(row.topic_confidence, 4),
                row.topic_evidence,
                row.issue,
                labels[row.issue] if row.issue is not None else None,
                row.keywords,
                row.score,
                row.reasons,
            ]
            for row in rows
        ),
    )
    if options.issues_output:
        write_table(
            options.issues_output,
            ISSUE_COLUMNS,
            (
                [
                    number,
                    issue.label,
                    issue.size,
                    issue.likes,
                    issue.heat,
                    issue.representative_id,
                    issue.first_time,
                    issue.last_time,
                    issue.places,
                    issue.groups,
                    issue.units,
                    issue.keywords,
                    issue.summary,
                    issue.member_ids,
                ]
                for number, issue in enumerate(result.issues)
            ),
        )
    timings = {"read": round(read_seconds, 3), **result.timings}
    timings["write"] = round(time.perf_counter() - started, 3)
    _summary(result, timings, options.output)
    return 0


def _load_model(directory: str) -> Any:
    from zhongzhi.triage.topics import TopicModel

    path = Path(directory)
    if not path.is_dir():
        raise UsageError(f"找不到主题模型目录 (model directory)：{directory}")
    try:
        return TopicModel.load(path)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(
            f"无法读取主题模型 (model)：{directory}：{error}。"
            "请用 `zhongzhi triage train` 重新训练。"
        ) from error


def _warn_count(count: int, message: str) -> None:
    if count:
        print(f"注意：{count} {message}", file=sys.stderr)


def _summary(result: Any, timings: dict[str, float], output: str) -> None:
    rows = result.rows
    groups = sum(1 for row in rows if row.canonical)
    lines = [
        "",
        f"已写出 {output}",
        "",
        f"{'行数 (rows)':<22}{len(rows):>10}",
        f"{'重复组 (groups)':<22}{groups:>10}",
        f"{'重复 (duplicates)':<22}{len(rows) - groups:>10}",
        f"{'热点 (issues)':<22}{len(result.issues):>10}",
        f"{'进入热点的建议':<22}{sum(1 for r in rows if r.issue is not None):>10}",
        "",
        "主题分布 (topics)",
    ]
    topics = Counter(row.topic or "（未定/abstain）" for row in rows)
    for name, count in topics.most_common():
        lines.append(f"  {name:<20}{count:>10}{count / max(len(rows), 1):>9.1%}")
    lines += [
        "",
        "热点前 10 (issues top 10)",
        f"  {'#':>3}  {'size':>6}  {'likes':>6}  {'heat':>8}  label",
    ]
    for number, issue in enumerate(result.issues[:10]):
        lines.append(
            f"  {number:>3}  {issue.size:>6}  {issue.likes:>6}  {issue.heat:>8.1f}  {issue.label}"
        )
    if not result.issues:
        lines.append("  （无）")
    lines += ["", "各步用时 (seconds per stage)"]
    for stage, seconds in timings.items():
        lines.append(f"  {stage:<20}{seconds:>10.2f}")
    if timings.get("total") and any(k in timings for k in ("topics", "scores")):
        lines.append("  （并行时各步用时重叠，total 为分流的实际用时）")
    print("\n".join(lines))


# --- train ------------------------------------------------------------------------------


def _train(options: argparse.Namespace) -> int:
    from zhongzhi.triage.topics import TopicModel

    output = Path(options.output)
    if output.exists() and not output.is_dir():
        raise UsageError(f"输出位置已存在且不是目录 (not a directory)：{output}")
    topics = read_topics(options.topics) if options.topics else []
    table = _read(options.input, "输入")
    table.require(options.text_column, options.label_column, options.title_column)
    texts = _joined(table, options.text_column, options.title_column)
    labels = [as_text(v).strip() for v in table.column(options.label_column)]
    labelled = [(t, label) for t, label in zip(texts, labels, strict=True) if label and t.strip()]
    unlabelled = [t for t, label in zip(texts, labels, strict=True) if not label and t.strip()]
    if options.unlabelled:
        extra = _read(options.unlabelled, "未标注数据")
        column = options.unlabelled_text_column or options.text_column
        extra.require(column)
        title = options.title_column if options.title_column in extra.columns else None
        unlabelled += [t for t in _joined(extra, column, title) if t.strip()]
    counts = Counter(label for _t, label in labelled)
    if len(counts) < 2:
        raise UsageError(
            f"至少需要两个主题的标注 (labels)：{options.label_column} 列中只有 "
            f"{len(counts)} 个主题（{'、'.join(counts) or '无'}）"
        )
    started = time.perf_counter()
    model = TopicModel.train(
        [t for t, _label in labelled],
        [label for _t, label in labelled],
        unlabelled,
        topics=topics,
    )
    model.save(output)
    print(
        f"已训练主题模型：{len(labelled)} 条标注，{len(unlabelled)} 条未标注，"
        f"{len(counts)} 个主题，用时 {time.perf_counter() - started:.1f} 秒；保存到 {output}"
    )
    for name, count in counts.most_common():
        print(f"  {name:<20}{count:>8}")
    return 0


def _joined(table: Table, text_column: str, title_column: str | None) -> list[str]:
    texts = [as_text(v) for v in table.column(text_column)]
    if not title_column:
        return texts
    titles = [as_text(v).strip() for v in table.column(title_column)]
    return [
        f"{title}\n{text}" if title else text for title, text in zip(titles, texts, strict=True)
    ]


# --- eval -------------------------------------------------------------------------------

# Runs one evaluation script's main() with its data directory set: the scripts read
# $ZHONGZHI_TIPDM_DIR or a module-level DATA path.
_EVAL_RUNNER: Final = """
import inspect, pathlib, runpy, sys
script, data, *rest = sys.argv[1:]
sys.path.insert(0, str(pathlib.Path(script).parent))
sys.argv = [script, *rest]
module = runpy.run_path(script, run_name="zhongzhi_eval")
main = module["main"]
main.__globals__["DATA"] = pathlib.Path(data)
raise SystemExit(main(rest) if inspect.signature(main).parameters else main())
"""


def _eval(options: argparse.Namespace, extra: Sequence[str]) -> int:
    data = Path(options.data)
    if not (data / "hot_messages_annex3.csv").is_file():
        print(
            f"找不到评测数据 (data)：{data}。评测需要 tipdm2020c 公开数据放在那里，"
            "或用 --data DIR 指定；没有可评测的内容。"
        )
        return 0
    names = list(EVALUATIONS) if options.which == "all" else [options.which]
    if extra and len(names) > 1:
        raise UsageError("额外参数只能传给一项评测：请指定 dedup、topics 或 hot-issues")
    status = 0
    for name in names:
        script, title = EVALUATIONS[name]
        path = REPO / script
        print(f"\n=== {title} — {script} ===", flush=True)
        if not path.is_file():
            print(f"评测脚本不存在：{path}")
            status = status or 1
            continue
        env = {**os.environ, "ZHONGZHI_TIPDM_DIR": str(data)}
        completed = subprocess.run(
            [sys.executable, "-c", _EVAL_RUNNER, str(path), str(data), *extra],
            cwd=REPO,
            env=env,
            check=False,
        )
        if completed.returncode:
            print(f"{script} 失败，退出码 {completed.returncode}", file=sys.stderr)
            status = status or completed.returncode
    return status


# --- entry point ------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    parser = _parser()
    try:
        if args and args[0] == "eval":
            options, extra = parser.parse_known_args(args)
        else:
            options, extra = parser.parse_args(args), []
    except SystemExit as stop:  # --help (0) or a usage error (2), already printed
        return int(stop.code or 0) if isinstance(stop.code, int) else EXIT_USAGE
    try:
        if options.command == "run":
            return _run(options)
        if options.command == "train":
            return _train(options)
        return _eval(options, extra)
    except (TableError, UsageError) as error:
        print(f"zhongzhi triage {options.command}：{error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("已中断 (interrupted)", file=sys.stderr)
        return 130
    except MemoryError:
        print("内存不足 (out of memory)：请把输入分成几批再运行", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

"""The ledgers offices file (台账): the problem list (问题清单) and the measure list
(整改措施清单) as xlsx, from the lists' own selectors and filters.

Both have a title row, a line saying which filters made them, one header row (frozen,
with an autofilter and repeated on every printed page) and print settings for A4
landscape, one page wide. Deadlines are date cells. No resident's personal data: a
suggestion behind a problem is named by its receipt code, never by its submitter, and
there is no column for a phone number.

Written in openpyxl's write-only mode, with every read done up front in a few
queries (rows as plain values; the sources, the measures of the problem list and the
latest progress of each measure in one query each), so that 10,000 measures take a
few seconds.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zhongzhi.core.ledger import LedgerSheet, exported_line, joined
from zhongzhi.core.ledger import ledger_filename as sheet_filename
from zhongzhi.intake.receipt_codes import format_receipt_code
from zhongzhi.org.access import AnyUser
from zhongzhi.rectification.access import visible_measures
from zhongzhi.rectification.models import (
    OPEN_MEASURE_STATES,
    DueState,
    EscalationLevel,
    Measure,
    MeasureState,
    Problem,
    ProblemOrigin,
    ProblemStatus,
    ProblemSuggestion,
    ProgressUpdate,
)
from zhongzhi.rectification.selectors import (
    MeasureFilters,
    ProblemFilters,
    measure_list,
    problem_list,
)

PROGRESS_EVERY = 1_000  # rows between progress reports
LISTED_RECEIPT_CODES = 5  # a problem from more suggestions says how many
Progress = Callable[[int, int], None]


# --- the ledgers' words -------------------------------------------------------------------


_LABELS: dict[tuple[str | None, type, object], str] = {}


def _label(choices: Any, value: object) -> str:
    """A choice's label in the current language (kept: a ledger asks 10,000 times)."""
    key = (get_language(), choices, value)
    if key not in _LABELS:
        _LABELS[key] = str(dict(choices.choices).get(value, value))
    return _LABELS[key]


def measure_filters_summary(filters: MeasureFilters) -> str:
    """The filters in words, for the line above the ledger's header."""
    due = {"open": _("未完成")} | {k: str(v) for k, v in DueState.choices if k}
    return joined(
        [
            _("状态：%(v)s") % {"v": _label(MeasureState, filters.state)} if filters.state else "",
            _("时限：%(v)s") % {"v": due.get(filters.due, filters.due)} if filters.due else "",
            _("责任单位：%(v)s（含下级）") % {"v": filters.owner_unit.name}
            if filters.owner_unit
            else "",
            _("已督办") if filters.escalated else "",
            _("完成时限不早于 %(v)s") % {"v": f"{filters.deadline_from:%Y-%m-%d}"}
            if filters.deadline_from
            else "",
            _("完成时限不晚于 %(v)s") % {"v": f"{filters.deadline_to:%Y-%m-%d}"}
            if filters.deadline_to
            else "",
            _("关键词：%(v)s") % {"v": filters.q} if filters.q else "",
        ]
    )


def problem_filters_summary(filters: ProblemFilters) -> str:
    return joined(
        [
            _("状态：%(v)s") % {"v": _label(ProblemStatus, filters.status)}
            if filters.status
            else "",
            _("来源：%(v)s") % {"v": _label(ProblemOrigin, filters.origin)}
            if filters.origin
            else "",
            _("责任单位：%(v)s（含下级）") % {"v": filters.unit.name} if filters.unit else "",
            _("方面：%(v)s") % {"v": filters.topic.name} if filters.topic else "",
            _("关键词：%(v)s") % {"v": filters.q} if filters.q else "",
        ]
    )


def ledger_filename(campaign_name: str, kind: str) -> str:
    return sheet_filename(campaign_name, _("问题清单") if kind == "problems" else _("整改措施清单"))


# --- shared reads ------------------------------------------------------------------------


def _sources(problem_ids: QuerySet[Any]) -> dict[int, list[str]]:
    """Receipt codes of the suggestions behind each problem, oldest first (one query)."""
    codes: dict[int, list[str]] = defaultdict(list)
    rows = (
        ProblemSuggestion.objects.filter(problem_id__in=problem_ids)
        .order_by("problem_id", "suggestion_id")
        .values_list("problem_id", "suggestion__receipt_code")
    )
    for problem_id, code in rows.iterator(chunk_size=5000):
        codes[problem_id].append(code)
    return codes


def _origin_text(origin: str, hot_issue_label: str, codes: Sequence[str]) -> str:
    if origin != ProblemOrigin.SUGGESTIONS:
        return _label(ProblemOrigin, origin)
    shown = "、".join(format_receipt_code(code) for code in codes[:LISTED_RECEIPT_CODES])
    if len(codes) > LISTED_RECEIPT_CODES:
        text = _("群众意见建议 %(n)d 条（回执号 %(codes)s 等）") % {"n": len(codes), "codes": shown}
    elif codes:
        text = _("群众意见建议（回执号 %(codes)s）") % {"codes": shown}
    else:
        text = _label(ProblemOrigin, origin)
    if hot_issue_label:
        text += "\n" + _("热点问题：%(label)s") % {"label": hot_issue_label}
    return text


@dataclass(frozen=True)
class _Update:
    at: datetime.datetime
    text: str


def _latest_updates(measure_ids: QuerySet[Any]) -> dict[int, _Update]:
    """Each measure's latest progress update (one query over their updates)."""
    latest: dict[int, _Update] = {}
    rows = (
        ProgressUpdate.objects.filter(measure_id__in=measure_ids)
        .order_by("measure_id", "at", "pk")
        .values_list("measure_id", "at", "text")
    )
    for measure_id, at, text in rows.iterator(chunk_size=5000):
        latest[measure_id] = _Update(at, text)
    return latest


def _progress_text(percent: int, update: _Update | None) -> str:
    if update is None:
        return f"{percent}%" if percent else _("尚未填报进展")
    day = timezone.localtime(update.at).date()
    return f"{percent}%（{day:%Y-%m-%d}）：{update.text}"


def _state_text(state: str, due_state: str, escalation: int) -> str:
    text = _label(MeasureState, state)
    notes = []
    if state in OPEN_MEASURE_STATES and due_state:
        notes.append(_label(DueState, due_state))
    if escalation:
        notes.append(_label(EscalationLevel, escalation))
    return f"{text}（{'，'.join(notes)}）" if notes else text


def _check_text(
    state: str, reason: str, verifier: str, verified_at: datetime.datetime | None
) -> str:
    if state == MeasureState.VERIFIED:
        day = f"{timezone.localtime(verified_at).date():%Y-%m-%d}" if verified_at else ""
        return _("已核验：%(who)s %(day)s") % {"who": verifier, "day": day}
    if state == MeasureState.DONE:
        return _("待核验")
    if state == MeasureState.SENT_BACK:
        return _("核验退回：%(reason)s") % {"reason": reason}
    if state == MeasureState.CANCELLED:
        return _("已取消：%(reason)s") % {"reason": reason}
    return ""


def _measure_text(text: str, expected: str) -> str:
    return f"{text}\n{_('预期效果：%(v)s') % {'v': expected}}" if expected else text


def _problem_text(title: str, description: str) -> str:
    return f"{title}\n{description}" if description and description != title else title


_MEASURE_FIELDS = [
    "pk",
    "problem_id",
    "problem__number",
    "number",
    "problem__origin",
    "problem__hot_issue_label",
    "problem__title",
    "problem__description",
    "text",
    "expected_result",
    "owner_unit__name",
    "responsible_person",
    "deadline",
    "original_deadline",
    "state",
    "state_reason",
    "percent",
    "due_state",
    "escalation",
    "verified_by__full_name",
    "verified_by__username",
    "verified_at",
]


def _measure_rows(measures: QuerySet[Measure]) -> Iterable[dict[str, Any]]:
    for row in measures.values_list(*_MEASURE_FIELDS).iterator(chunk_size=2000):
        yield dict(zip(_MEASURE_FIELDS, row, strict=True))


# --- the measure list ---------------------------------------------------------------------


def measure_columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("问题编号"), 7),
        (_("措施编号"), 7),
        (_("问题来源"), 18),
        (_("问题描述"), 30),
        (_("整改措施"), 34),
        (_("责任单位"), 14),
        (_("责任人"), 9),
        (_("完成时限"), 11),
        (_("原定时限"), 11),
        (_("进展情况"), 30),
        (_("完成状态"), 13),
        (_("核验情况"), 18),
    ]


def ledger_measures(user: AnyUser, filters: MeasureFilters) -> QuerySet[Measure]:
    """The measure list's rows in the ledger's order: by problem, then measure."""
    return measure_list(user, filters).order_by("problem__number", "number", "pk")


def measures_workbook(
    user: AnyUser,
    filters: MeasureFilters,
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> bytes:
    """整改措施清单: one row per measure the user sees that matches the filters."""
    measures = ledger_measures(user, filters)
    if total is None:
        total = measures.count()
    sources = _sources(measures.order_by().values("problem_id"))
    updates = _latest_updates(measures.order_by().values("pk"))
    sheet = LedgerSheet(
        _("%(campaign)s整改措施清单") % {"campaign": filters.campaign.name},
        exported_line(measure_filters_summary(filters), total, _("项整改措施")),
        measure_columns(),
    )
    centred = frozenset({0, 1, 2, 7, 8, 9})
    for number, m in enumerate(_measure_rows(measures), start=1):
        extended = m["original_deadline"] != m["deadline"]
        sheet.append(
            [
                number,
                m["problem__number"],
                f"{m['problem__number']}-{m['number']}",
                _origin_text(
                    m["problem__origin"],
                    m["problem__hot_issue_label"],
                    sources.get(m["problem_id"], ()),
                ),
                _problem_text(m["problem__title"], m["problem__description"]),
                _measure_text(m["text"], m["expected_result"]),
                m["owner_unit__name"],
                m["responsible_person"],
                m["deadline"],
                m["original_deadline"] if extended else None,
                _progress_text(m["percent"], updates.get(m["pk"])),
                _state_text(m["state"], m["due_state"], m["escalation"]),
                _check_text(
                    m["state"],
                    m["state_reason"],
                    m["verified_by__full_name"] or m["verified_by__username"] or "",
                    m["verified_at"],
                ),
            ],
            centred,
        )
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, max(total, number))
    content = sheet.save()
    if progress is not None:
        progress(sheet.rows, sheet.rows)
    return content


# --- the problem list ---------------------------------------------------------------------


def problem_columns() -> list[tuple[str, int]]:
    return [
        (_("序号"), 6),
        (_("问题编号"), 7),
        (_("问题来源"), 18),
        (_("问题描述"), 32),
        (_("整改措施"), 40),
        (_("责任单位"), 14),
        (_("责任人"), 10),
        (_("完成时限"), 11),
        (_("原定时限"), 11),
        (_("进展情况"), 34),
        (_("完成状态"), 16),
        (_("核验情况"), 22),
    ]


def ledger_problems(user: AnyUser, filters: ProblemFilters) -> QuerySet[Problem]:
    """The problem list's rows in the ledger's order: by number."""
    return problem_list(user, filters).order_by("number")


def _lines(items: Sequence[tuple[str, str]]) -> str:
    """One line per measure; prefixed with its code when the problem has several."""
    if len(items) == 1:
        return items[0][1]
    return "\n".join(f"{code} {text}" for code, text in items if text)


def problems_workbook(
    user: AnyUser,
    filters: ProblemFilters,
    *,
    total: int | None = None,
    progress: Progress | None = None,
) -> bytes:
    """问题清单: one row per problem the user sees that matches the filters, with the
    measures they see of it summed up (one line each)."""
    problems = ledger_problems(user, filters)
    if total is None:
        total = problems.count()
    problem_ids = problems.order_by().values("pk")
    sources = _sources(problem_ids)
    measures = (
        visible_measures(user).filter(problem_id__in=problem_ids).order_by("problem_id", "number")
    )
    updates = _latest_updates(measures.values("pk"))
    by_problem: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in _measure_rows(measures):
        by_problem[m["problem_id"]].append(m)
    sheet = LedgerSheet(
        _("%(campaign)s问题清单") % {"campaign": filters.campaign.name},
        exported_line(problem_filters_summary(filters), total, _("个问题")),
        problem_columns(),
    )
    centred = frozenset({0, 1, 6, 7, 8})
    fields = ["pk", "number", "origin", "hot_issue_label", "title", "description"]
    fields += ["unit__name", "status", "closed_at"]
    rows = problems.values_list(*fields).iterator(chunk_size=2000)
    for number, row in enumerate(rows, start=1):
        p = dict(zip(fields, row, strict=True))
        items = by_problem.get(p["pk"], [])
        live = [m for m in items if m["state"] != MeasureState.CANCELLED] or items
        codes = [f"{p['number']}-{m['number']}" for m in items]
        deadline = max((m["deadline"] for m in live), default=None)
        original = max((m["original_deadline"] for m in live), default=None)
        units = dict.fromkeys(m["owner_unit__name"] for m in items) or {p["unit__name"]: None}
        people = dict.fromkeys(m["responsible_person"] for m in items)
        sheet.append(
            [
                number,
                p["number"],
                _origin_text(p["origin"], p["hot_issue_label"], sources.get(p["pk"], ())),
                _problem_text(p["title"], p["description"]),
                _lines(
                    [
                        (code, _measure_text(m["text"], m["expected_result"]))
                        for code, m in zip(codes, items, strict=True)
                    ]
                )
                if items
                else _("尚未制定整改措施"),
                "、".join(units),
                "、".join(people) or None,
                deadline,
                original if original != deadline else None,
                _lines(
                    [
                        (code, _progress_text(m["percent"], updates.get(m["pk"])))
                        for code, m in zip(codes, items, strict=True)
                    ]
                )
                if items
                else None,
                _problem_state_text(p["status"], items),
                _problem_check_text(p["status"], p["closed_at"], codes, items),
            ],
            centred,
        )
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number, max(total, number))
    content = sheet.save()
    if progress is not None:
        progress(sheet.rows, sheet.rows)
    return content


def _problem_state_text(status: str, measures: Sequence[dict[str, Any]]) -> str:
    text = _label(ProblemStatus, status)
    if not measures:
        return text
    counts: dict[str, int] = defaultdict(int)
    for m in measures:
        counts[m["state"]] += 1
    parts = "，".join(
        f"{label} {counts[value]}" for value, label in MeasureState.choices if counts[value]
    )
    overdue = sum(
        1 for m in measures if m["state"] in OPEN_MEASURE_STATES and m["due_state"] == "overdue"
    )
    if overdue:
        parts += "，" + _("逾期 %(n)d") % {"n": overdue}
    return f"{text}\n" + _("%(n)d 项措施：%(parts)s") % {"n": len(measures), "parts": parts}


def _problem_check_text(
    status: str,
    closed_at: datetime.datetime | None,
    codes: Sequence[str],
    measures: Sequence[dict[str, Any]],
) -> str | None:
    lines = [
        (
            code,
            _check_text(
                m["state"],
                m["state_reason"],
                m["verified_by__full_name"] or m["verified_by__username"] or "",
                m["verified_at"],
            ),
        )
        for code, m in zip(codes, measures, strict=True)
    ]
    text = _lines(lines) if lines else ""
    if status == ProblemStatus.CLOSED and closed_at is not None:
        closed = _("已销号 %(day)s") % {"day": f"{timezone.localtime(closed_at).date():%Y-%m-%d}"}
        text = f"{closed}\n{text}" if text else closed
    return text or None

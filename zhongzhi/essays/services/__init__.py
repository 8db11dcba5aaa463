"""Essays' writes: the list of writers (add, from accounts, remove), the due date,
an essay saved as a draft or handed in (online text or an uploaded Word/PDF file),
the office's excellent marks and its reminders. Each is audited.

One writer, one essay: the assignment is unique per campaign and writer, its essay
is one row (OneToOne). A draft may be saved again and again, each time replacing the
one before (text and file: the page says "替换草稿"); handing in is final, and a second
hand-in is refused with a message, never a second essay — unless the office sends the
essay back (`essay_return`), when it is the writer's draft again (ADR 0004). The office
removing a writer who has handed in is refused too: the essay stays counted.
"""

from zhongzhi.essays.services.assignments import (
    AddResult,
    NewWriter,
    assignment_remove,
    assignments_add,
    assignments_from_accounts,
    check_due,
    essay_due_date,
    essay_due_set,
    writer_problems,
)
from zhongzhi.essays.services.essays import (
    ESSAY_FILE_TYPES,
    MAX_TEXT,
    essay_mark_excellent,
    essay_return,
    essay_save,
    prepare_upload,
)
from zhongzhi.essays.services.reminders import DUE_SOON_DAYS, essays_remind, essays_sweep

__all__ = [
    "DUE_SOON_DAYS",
    "ESSAY_FILE_TYPES",
    "MAX_TEXT",
    "AddResult",
    "NewWriter",
    "assignment_remove",
    "assignments_add",
    "assignments_from_accounts",
    "check_due",
    "essay_due_date",
    "essay_due_set",
    "essay_mark_excellent",
    "essay_return",
    "essay_save",
    "essays_remind",
    "essays_sweep",
    "prepare_upload",
    "writer_problems",
]

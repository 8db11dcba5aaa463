"""Bulk set-up of units and accounts from Excel (xlsx): the API for views and commands.

    unit_template_workbook(*, actor=None) -> bytes
    account_template_workbook(*, actor=None) -> bytes
    import_units(*, workbook, actor, progress=None) -> ImportResult
    import_accounts(*, workbook, actor, progress=None) -> ImportResult

An import checks every row before it saves anything, and saves all rows or none.
A file that cannot be used at all (not an xlsx, empty, no header, too large) raises
`WorkbookError`, whose `message` (also `str(error)`) is for the user. Row problems
come back in `ImportResult.errors` as (row, column, message) and in
`ImportResult.marked_workbook`: the user's own file with the bad cells marked.

The implementation lives in the `zhongzhi.org.imports` package.
"""

from zhongzhi.org.imports import (
    ACCOUNT_COLUMNS,
    ERROR_COLUMN,
    MAX_ROWS,
    UNIT_COLUMNS,
    ImportResult,
    Progress,
    RowError,
    WorkbookError,
    account_template_workbook,
    import_accounts,
    import_units,
    unit_template_workbook,
)

__all__ = [
    "ACCOUNT_COLUMNS",
    "ERROR_COLUMN",
    "MAX_ROWS",
    "UNIT_COLUMNS",
    "ImportResult",
    "Progress",
    "RowError",
    "WorkbookError",
    "account_template_workbook",
    "import_accounts",
    "import_units",
    "unit_template_workbook",
]

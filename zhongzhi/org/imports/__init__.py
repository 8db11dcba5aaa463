"""Bulk import of units and accounts from xlsx; the public API is `zhongzhi.org.xlsx_import`."""

from zhongzhi.org.imports.accounts import (
    ACCOUNT_COLUMNS,
    account_template_workbook,
    import_accounts,
)
from zhongzhi.org.imports.units import UNIT_COLUMNS, import_units, unit_template_workbook
from zhongzhi.org.imports.workbook import (
    ERROR_COLUMN,
    MAX_ROWS,
    ImportResult,
    Progress,
    RowError,
    WorkbookError,
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

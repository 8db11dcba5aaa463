from zhongzhi.core.management.commands._workbook_import import WorkbookImportCommand
from zhongzhi.org import xlsx_import


class Command(WorkbookImportCommand):
    help = (
        "从 Excel 批量导入单位（单位编码、名称、简称、类型、上级单位编码）；"
        "有一行出错则全部不导入。"
    )
    importer = staticmethod(xlsx_import.import_units)

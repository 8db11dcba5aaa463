from zhongzhi.core.management.commands._workbook_import import WorkbookImportCommand
from zhongzhi.org import xlsx_import


class Command(WorkbookImportCommand):
    help = (
        "从 Excel 批量导入账号（单位编码、姓名、登录名、角色、手机号），生成一次性密码；"
        "有一行出错则全部不导入。"
    )
    importer = staticmethod(xlsx_import.import_accounts)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared page layout, the login flow and the `zhongzhi` management commands."""

    name = "zhongzhi.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self) -> None:
        from zhongzhi.core.admin import name_link_tables

        name_link_tables()

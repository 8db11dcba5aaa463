from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "zhongzhi.reports"
    verbose_name = _("统计报表")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app says what it reports in its own `reports.py` (as Decidim's component
        # manifests do); loading them here fills the registry, so adding an app adds
        # its ledgers without a change to this one.
        autodiscover_modules("reports")

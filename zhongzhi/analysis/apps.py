from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    """The Django side of the triage library: shared duplicate index, triage results, tasks."""

    name = "zhongzhi.analysis"
    label = "analysis"
    verbose_name = _("分流分析")

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "zhongzhi.intake"
    label = "intake"
    verbose_name = _("意见建议")

    def ready(self) -> None:
        from zhongzhi.intake.search import ensure_search_index

        # SQLite rebuilds a table when a later migration alters it, which drops the
        # search triggers; put them back after every migrate.
        post_migrate.connect(ensure_search_index, sender=self)

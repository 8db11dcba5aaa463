from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("众智 · 大讨论活动管理")
admin.site.site_title = _("众智管理后台")
admin.site.index_title = _("数据维护")

# The API first: Django tries the patterns in order, and a resident's submission is the
# busiest request of all (the catch-all "" of core would otherwise be searched first).
urlpatterns = [
    path("api/", include("zhongzhi.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("zhongzhi.core.urls")),
    path("org/", include("zhongzhi.org.urls")),
    path("campaigns/", include("zhongzhi.campaigns.urls")),
    path("suggestions/entry/", include("zhongzhi.intake.entry_urls")),
    path("suggestions/", include("zhongzhi.intake.urls")),
    path("c/", include("zhongzhi.intake.public_urls")),
    path("c/", include("zhongzhi.opendata.public_urls")),
    path("tokens/", include("zhongzhi.api.token_urls")),
    path("analysis/", include("zhongzhi.analysis.urls")),
    path("screening/", include("zhongzhi.screening.urls")),
    path("selection/", include("zhongzhi.selection.urls")),
    path("rectification/ledgers/", include("zhongzhi.rectification.urls_ledgers")),
    path("rectification/", include("zhongzhi.rectification.urls")),
    path("rectification/files/", include("zhongzhi.rectification.urls_evidence")),
    path("rectification/settings/", include("zhongzhi.rectification.urls_settings")),
    path("notifications/", include("zhongzhi.notifications.urls")),
    path("rectification/ratings/", include("zhongzhi.rectification.urls_ratings")),
    path("supervision/", include("zhongzhi.supervision.urls")),
    path("research/", include("zhongzhi.research.urls")),
    path("reports/", include("zhongzhi.reports.urls")),
    path("essays/", include("zhongzhi.essays.urls")),
    path("activities/", include("zhongzhi.activities.urls")),
    path("opendata/", include("zhongzhi.opendata.urls")),
]

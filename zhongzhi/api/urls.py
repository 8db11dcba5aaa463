from django.urls import path

from zhongzhi.api.docs import docs_asset
from zhongzhi.api.main import api

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api_docs_asset"),
    path("", api.urls),
]

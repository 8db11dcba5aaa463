"""The JSON API: one NinjaAPI, one router per domain, mounted at /api/.

OpenAPI schema at /api/openapi.json, browsable docs at /api/docs (served without a
CDN, see `api.docs`). Every error is JSON with a Chinese `detail` (see `api.errors`).
"""

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from zhongzhi.api.docs import LocalSwagger
from zhongzhi.api.errors import install_error_handlers
from zhongzhi.api.intake import router as intake_router
from zhongzhi.api.ratings import router as ratings_router


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese as it is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="众智 API",
    version="1",
    description=(
        "众智（大讨论活动平台）的数据接口：居民与小程序提交建议、单位用接口令牌批量提交、"
        "按回执号查看进度、工作人员查看范围内的建议。错误一律返回 JSON："
        '`{"detail": "中文说明", "errors": {...}}`。'
    ),
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    renderer=ChineseJSONRenderer(),
)
install_error_handlers(api)
api.add_router("/", intake_router)
api.add_router("/", ratings_router)

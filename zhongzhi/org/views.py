"""Unit pages, the scoped unit ledger, and bulk set-up from Excel."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.downloads import offer_download, take_download
from zhongzhi.core.responses import xlsx_response
from zhongzhi.org import xlsx_import
from zhongzhi.org.access import access_unit, changeable_units, visible_units
from zhongzhi.org.exports import units_workbook
from zhongzhi.org.forms import WorkbookUploadForm
from zhongzhi.org.selectors import unit_children, unit_members, unit_plan_items, unit_tree


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "org/unit_list.html", {"roots": unit_tree(request.user)})


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "children": unit_children(request.user, unit),
            "members": unit_members(unit),
            "plan_items": unit_plan_items(unit),
        },
    )


@login_required
def units_export(request: HttpRequest) -> HttpResponse:
    units = visible_units(request.user).select_related("parent").order_by("path")
    return xlsx_response(units_workbook(units), "单位清单.xlsx")


IMPORTS = {
    "units": (gettext_lazy("单位"), xlsx_import.import_units, xlsx_import.unit_template_workbook),
    "accounts": (
        gettext_lazy("账号"),
        xlsx_import.import_accounts,
        xlsx_import.account_template_workbook,
    ),
}


def _require_import_rights(request: HttpRequest) -> None:
    if not changeable_units(request.user).exists():
        raise Http404


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    _require_import_rights(request)
    return render(request, "org/import.html", {"form": WorkbookUploadForm()})


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import_rights(request)
    if kind not in IMPORTS:
        raise Http404
    label, _importer, template = IMPORTS[kind]
    return xlsx_response(template(), f"{label}导入模板.xlsx")


@login_required
@require_POST
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    _require_import_rights(request)
    if kind not in IMPORTS:
        raise Http404
    label, importer, _template = IMPORTS[kind]
    form = WorkbookUploadForm(request.POST, request.FILES)
    context: dict[str, object] = {"form": form, "kind": kind, "label": label}
    if not form.is_valid():
        return render(request, "org/import.html", context, status=400)
    try:
        result = importer(workbook=form.cleaned_data["file"].read(), actor=request.user)
    except xlsx_import.WorkbookError as error:
        form.add_error("file", str(error))
        return render(request, "org/import.html", context, status=400)
    user = signed_in_user(request)
    if not result.ok:
        context["result"] = result
        if result.marked_workbook:
            context["marked_token"] = offer_download(
                user=user,
                content=result.marked_workbook,
                filename=f"{label}导入-错误标注.xlsx",
            )
        return render(request, "org/import.html", context, status=400)
    messages.success(
        request,
        _("导入成功：新建%(label)s %(count)d 个。") % {"label": label, "count": result.created},
    )
    if result.credentials_workbook:
        context["result"] = result
        context["credentials_token"] = offer_download(
            user=user,
            content=result.credentials_workbook,
            filename="新账号一次性密码.xlsx",
        )
        return render(request, "org/import.html", context)
    return redirect("org:unit_list")


@login_required
def download(request: HttpRequest, token: str) -> HttpResponse:
    filename, content = take_download(user=signed_in_user(request), token=token)
    return xlsx_response(content, filename)

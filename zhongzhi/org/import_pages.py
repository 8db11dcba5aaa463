"""The page of a campaign's xlsx import (督导组, 心得体会撰写人 …): the upload form, the
file's own errors, the rows refused with the user's workbook marked for download, or
the message that it was imported. The rules are the importer's; this is the page."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.downloads import offer_download
from zhongzhi.org.forms import WorkbookUploadForm
from zhongzhi.org.imports.workbook import ImportResult
from zhongzhi.org.models import User
from zhongzhi.org.xlsx_import import WorkbookError

Importer = Callable[..., ImportResult]  # (workbook=, campaign=, actor=) -> ImportResult


def campaign_import_page(
    request: HttpRequest,
    campaign: Campaign,
    *,
    importer: Importer,
    template_name: str,
    marked_filename: str,
    success: Callable[[ImportResult], str],
    done_url: str,
) -> HttpResponse:
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"campaign": campaign, "form": form}
    if request.method == "GET":
        return render(request, template_name, context)
    if not form.is_valid():
        return render(request, template_name, context, status=400)
    user: User = signed_in_user(request)
    try:
        result = importer(workbook=form.cleaned_data["file"].read(), campaign=campaign, actor=user)
    except WorkbookError as error:
        form.add_error("file", str(error))
        return render(request, template_name, context, status=400)
    if not result.ok:
        context["result"] = result
        if result.marked_workbook:
            context["marked_token"] = offer_download(
                user=user, content=result.marked_workbook, filename=marked_filename
            )
        return render(request, template_name, context, status=400)
    messages.success(request, success(result))
    return redirect(done_url)

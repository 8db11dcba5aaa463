"""The API token page: a coordinator lists, creates and revokes their unit's tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhongzhi.api import services
from zhongzhi.api.access import access_token, token_units, visible_tokens
from zhongzhi.api.forms import TokenCreateForm
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import attach_errors


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    units = token_units(user)
    if not units.exists():
        raise Http404
    form = TokenCreateForm(request.POST or None, units=units)
    plain = ""
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created, plain = services.api_token_create(
                unit=form.cleaned_data["unit"], name=form.cleaned_data["name"], created_by=user
            )
        except ValidationError as error:
            attach_errors(form, error)
        else:
            form = TokenCreateForm(units=units)
    tokens = visible_tokens(user).select_related("unit", "created_by")
    response = render(
        request,
        "api/tokens.html",
        {"tokens": tokens, "form": form, "created": created, "plain_token": plain},
    )
    if plain:
        # The one page that shows the token: no cache may keep it.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_token(signed_in_user(request), token_id)
    services.api_token_revoke(token=token)
    messages.success(
        request, _("令牌“%(name)s”已停用，使用它的系统将无法再访问。") % {"name": token.name}
    )
    return redirect("api_tokens:list")

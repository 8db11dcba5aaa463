"""Symposium quick entry: the symposium once, then one row per suggestion, keyboard
only; or, from an activity's page, rows added to that activity. The symposium is an
`activities.Activity`; the old list and detail addresses redirect to the activities'.

The page is a plain form with a formset of rows and works without JavaScript (a
number of blank rows, more with ``?rows=``); a few lines of script make Enter move
to the next field and add a row after the last one.
"""

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from zhongzhi.activities.access import access_activity, access_activity_for_change
from zhongzhi.activities.models import Activity, BaseKind
from zhongzhi.campaigns.models import Campaign, ParticipantCategory, Topic
from zhongzhi.core.auth import signed_in_user
from zhongzhi.core.forms import DateInput, QuickSelect, QuickTextInput, attach_errors
from zhongzhi.intake.meetings import MeetingEntryError, MeetingRow, meeting_record
from zhongzhi.intake.models import MAX_TEXT_LENGTH
from zhongzhi.intake.paper_form import access_entry_campaign, entry_units
from zhongzhi.org.models import Unit

DEFAULT_ROWS = 8
MAX_ROWS = 300


class MeetingForm(forms.Form):
    unit = forms.TypedChoiceField(label=gettext_lazy("组织单位"), coerce=int)
    name = forms.CharField(label=gettext_lazy("座谈会名称"), max_length=120)
    held_on = forms.DateField(label=gettext_lazy("日期"), widget=DateInput())
    place = forms.CharField(label=gettext_lazy("地点"), max_length=120, required=False)
    entry_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(
        self, *args: Any, units: list[Unit], activity: Activity | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if activity is not None:
            # Rows for an existing activity: its header is fixed, only the token is sent.
            for name in ("unit", "name", "held_on", "place"):
                del self.fields[name]
            return
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(unit.pk, unit.name) for unit in units]


class RowForm(forms.Form):
    """One suggestion; choices are lists built once per page, not a query per row."""

    category = forms.TypedChoiceField(
        label=gettext_lazy("群体类别"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=QuickSelect,
    )
    topic = forms.TypedChoiceField(
        label=gettext_lazy("方面"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    text = forms.CharField(
        label=gettext_lazy("建议内容"),
        max_length=MAX_TEXT_LENGTH,
        error_messages={"required": gettext_lazy("请填写建议内容。")},
        widget=QuickTextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(
        self,
        *args: Any,
        categories: list[tuple[int | str, str]],
        topics: list[tuple[int | str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("category", categories), ("topic", topics)):
            field = self.fields[name]
            assert isinstance(field, forms.TypedChoiceField)
            field.choices = choices
        for field in self.fields.values():
            field.widget.attrs["aria-label"] = str(field.label)


def _row_formset(extra: int = 0) -> Any:
    """Every row is an "extra" form, so blank rows are skipped, not required."""
    return forms.formset_factory(
        RowForm, extra=extra, max_num=MAX_ROWS, absolute_max=MAX_ROWS, validate_max=True
    )


class _Choices:
    """The campaign's categories and topics, loaded once for every row of the page."""

    def __init__(self, campaign: Campaign) -> None:
        self.categories = {c.pk: c for c in ParticipantCategory.objects.filter(campaign=campaign)}
        self.topics = {t.pk: t for t in Topic.objects.filter(campaign=campaign)}

    def form_kwargs(self) -> dict[str, Any]:
        blank: list[tuple[int | str, str]] = [("", "—")]
        return {
            "categories": blank + [(pk, c.name) for pk, c in self.categories.items()],
            "topics": blank + [(pk, t.name) for pk, t in self.topics.items()],
        }


def _row_count(request: HttpRequest) -> int:
    raw = request.GET.get("rows", "")
    return min(int(raw), MAX_ROWS) if raw.isdigit() and int(raw) > 0 else DEFAULT_ROWS


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(
    request: HttpRequest, campaign_id: int | None = None, activity_id: int | None = None
) -> HttpResponse:
    activity = None
    if activity_id is not None:
        activity = access_activity_for_change(request.user, activity_id)
        campaign = access_entry_campaign(request.user, activity.campaign_id)
    else:
        assert campaign_id is not None
        campaign = access_entry_campaign(request.user, campaign_id)
    units = list(entry_units(request.user, campaign).order_by("path"))
    choices = _Choices(campaign)
    if request.method != "POST":
        header = MeetingForm(
            units=units,
            activity=activity,
            initial={"entry_token": uuid.uuid4().hex, "held_on": timezone.localdate()},
        )
        rows = _row_formset(_row_count(request))(prefix="rows", form_kwargs=choices.form_kwargs())
        return _render_form(request, campaign, header, rows, activity=activity)

    header = MeetingForm(request.POST, units=units, activity=activity)
    rows = _row_formset()(request.POST, prefix="rows", form_kwargs=choices.form_kwargs())
    if not (header.is_valid() and rows.is_valid()):
        return _render_form(request, campaign, header, rows, status=400, activity=activity)
    filled = [
        (index, form.cleaned_data)
        for index, form in enumerate(rows.forms)
        if form.has_changed() and form.cleaned_data.get("text")
    ]
    data = header.cleaned_data
    if activity is None:
        unit = next(unit for unit in units if unit.pk == data["unit"])
        header_args = {
            "unit": unit,
            "name": data["name"],
            "held_on": data["held_on"],
            "place": data["place"],
        }
    else:
        header_args = {"unit": activity.unit, "name": "", "held_on": activity.held_on}
    try:
        meeting, created = meeting_record(
            campaign=campaign,
            activity=activity,
            recorded_by=signed_in_user(request),
            entry_token=data["entry_token"] or "",
            rows=[
                MeetingRow(
                    text=row["text"],
                    category=choices.categories.get(row["category"] or 0),
                    topic=choices.topics.get(row["topic"] or 0),
                )
                for _index, row in filled
            ],
            **header_args,
        )
    except MeetingEntryError as error:
        for field, field_messages in error.meeting.items():
            header.add_error(field if field in header.fields else None, field_messages)
        for index, row_error in error.rows.items():
            attach_errors(rows.forms[filled[index][0]], row_error)
        return _render_form(request, campaign, header, rows, status=400, activity=activity)
    if created:
        messages.success(
            request,
            _("已保存座谈会“%(name)s”和 %(count)d 条建议。")
            % {"name": meeting.name, "count": len(filled)},
        )
    elif activity is not None:
        messages.success(
            request,
            _("已为“%(name)s”录入 %(count)d 条建议。")
            % {"name": meeting.name, "count": len(filled)},
        )
    return redirect("activities:detail", activity_id=meeting.pk)


def _render_form(
    request: HttpRequest,
    campaign: Campaign,
    header: MeetingForm,
    rows: Any,
    status: int = 200,
    activity: Activity | None = None,
) -> HttpResponse:
    return render(
        request,
        "intake/entry/meeting_form.html",
        {
            "campaign": campaign,
            "activity": activity,
            "header": header,
            "rows": rows,
            "more_rows": MAX_ROWS,
        },
        status=status,
    )


@login_required
@require_GET
def meeting_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The old list of meetings: now the campaign's symposiums among its activities."""
    campaign = access_entry_campaign(request.user, campaign_id)
    url = reverse("activities:list", args=[campaign.pk])
    return HttpResponseRedirect(f"{url}?base={BaseKind.SYMPOSIUM}")


@login_required
@require_GET
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """A meeting's old address: meetings became activities with the same id."""
    activity = access_activity(request.user, meeting_id)
    return redirect("activities:detail", activity_id=activity.pk)

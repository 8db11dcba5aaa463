"""Writes of the briefing: draft it from a period's data, save the office's edits, draft
it again, and issue it — numbered, its document stored, never changed after."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.audit.models import AuditAction
from zhongzhi.audit.services import audit_record
from zhongzhi.campaigns.models import Campaign
from zhongzhi.core import clock
from zhongzhi.org.models import User
from zhongzhi.reports.models import Briefing, BriefingSection, BriefingState
from zhongzhi.reports.registry import Heading, Period
from zhongzhi.reports.selectors import (
    BriefingDraft,
    briefing_content,
    briefing_period,
    draft_briefing,
)
from zhongzhi.reports.word import briefing_document, pdf_from_docx


def whole_campaign_reader() -> User:
    """Who the command line drafts and issues as: a reader of every campaign (never
    saved), so that its figures are the office's."""
    return User(username="zhongzhi", is_superuser=True)


def briefing_period_checked(campaign: Campaign, start: datetime.date, end: datetime.date) -> Period:
    """The period asked for, or a ValidationError saying in Chinese what is wrong."""
    if end < start:
        raise ValidationError(_("截止日期早于起始日期，请重新选择统计时间。"))
    if end < campaign.start_date or start > campaign.end_date:
        raise ValidationError(
            _("所选时间不在活动期间（%(start)s 至 %(end)s）内，没有可统计的数据。")
            % {"start": campaign.start_date, "end": campaign.end_date}
        )
    return Period(start, end)


def default_period(campaign: Campaign) -> Period:
    """The last seven days of the campaign so far."""
    end = min(clock.today(), campaign.end_date)
    return Period(max(campaign.start_date, end - datetime.timedelta(days=6)), end)


def default_issuer(campaign: Campaign) -> str:
    return _("%(unit)s大讨论活动办公室") % {"unit": campaign.owner_unit.name}


def _write_texts(briefing: Briefing, draft: BriefingDraft) -> None:
    BriefingSection.objects.filter(briefing=briefing).delete()
    BriefingSection.objects.bulk_create(
        BriefingSection(briefing=briefing, heading=heading, text=draft.text(heading))
        for heading in Heading
    )


def briefing_create(
    user: User,
    campaign: Campaign,
    period: Period,
    *,
    issuer: str = "",
    issue_date: datetime.date | None = None,
) -> Briefing:
    """A draft whose sections are written from the period's data, with every
    highlight offered chosen (the office takes out what it does not want)."""
    draft = draft_briefing(user, campaign, period)
    with transaction.atomic():
        briefing = Briefing.objects.create(
            campaign=campaign,
            period_start=period.start,
            period_end=period.end,
            issuer=issuer or default_issuer(campaign),
            issue_date=issue_date or clock.today(),
            chosen=[h.key for heading in Heading for h in draft.highlights(heading)],
            created_by=user if user.pk else None,  # the command line's reader is no account
        )
        _write_texts(briefing, draft)
    return briefing


def _refuse_issued(briefing: Briefing) -> None:
    if briefing.issued:
        raise ValidationError(
            _("第 %(n)d 期已经签发，不能再修改；如需更正，请起草新的一期。")
            % {"n": briefing.number}
        )


def briefing_save(
    briefing: Briefing,
    *,
    texts: dict[str, str],
    chosen: list[str],
    issuer: str,
    issue_date: datetime.date,
) -> Briefing:
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
        _refuse_issued(briefing)
        briefing.issuer, briefing.issue_date, briefing.chosen = issuer, issue_date, chosen
        briefing.save(update_fields=["issuer", "issue_date", "chosen"])
        for section in briefing.sections.all():
            if section.heading in texts:
                section.text = texts[section.heading]
                section.save(update_fields=["text"])
    return briefing


def briefing_redraft(user: User, briefing: Briefing) -> Briefing:
    """Every section written again from the data (the office's edits are replaced)."""
    draft = draft_briefing(user, briefing.campaign, briefing_period(briefing))
    with transaction.atomic():
        briefing = Briefing.objects.select_for_update().get(pk=briefing.pk)
        _refuse_issued(briefing)
        _write_texts(briefing, draft)
    return briefing


def briefing_draft_document(user: User, briefing: Briefing) -> bytes:
    """The draft as it reads now, to look at before it is issued."""
    return briefing_document(briefing_content(user, briefing))


def briefing_issue(user: User | None, briefing: Briefing) -> Briefing:
    """The next number of the campaign, the document made with it and stored; from
    now on every download is that file."""
    with transaction.atomic():
        briefing = (
            Briefing.objects.select_for_update().select_related("campaign").get(pk=briefing.pk)
        )
        _refuse_issued(briefing)
        # Briefings of a campaign are issued one at a time: the campaign's row is the lock.
        Campaign.objects.select_for_update().filter(pk=briefing.campaign_id).first()
        last = Briefing.objects.filter(campaign=briefing.campaign_id).aggregate(n=Max("number"))
        briefing.number = (last["n"] or 0) + 1
        briefing.state = BriefingState.ISSUED
        briefing.issued_by, briefing.issued_at = user, timezone.now()
        # The author's view of the data: the office sees all of it.
        document = briefing_document(briefing_content(user or whole_campaign_reader(), briefing))
        briefing.docx.save(_filename(briefing, "docx"), ContentFile(document), save=False)
        try:
            briefing.save()
            audit_record(
                action=AuditAction.BRIEFING_ISSUE,
                target=briefing,
                actor=user,
                campaign=briefing.campaign,
                after={
                    "number": briefing.number,
                    "period": [f"{briefing.period_start}", f"{briefing.period_end}"],
                },
            )
        except IntegrityError:
            briefing.docx.delete(save=False)
            raise
    return briefing


def briefing_pdf(briefing: Briefing) -> bytes | None:
    """The issued briefing's PDF, made once by LibreOffice from its stored document;
    None where LibreOffice is not installed."""
    if briefing.pdf:
        with briefing.pdf.open("rb") as handle:
            return handle.read()
    with briefing.docx.open("rb") as handle:
        pdf = pdf_from_docx(handle.read())
    if pdf is not None:
        briefing.pdf.save(_filename(briefing, "pdf"), ContentFile(pdf), save=False)
        Briefing.objects.filter(pk=briefing.pk, pdf="").update(pdf=briefing.pdf.name)
    return pdf


def _filename(briefing: Briefing, extension: str) -> str:
    return f"briefing-{briefing.campaign_id}-{briefing.number or 'draft'}.{extension}"


def briefing_download_name(briefing: Briefing, extension: str) -> str:
    if briefing.number is None:
        return f"{briefing.campaign.name}-{_('工作简报')}-{_('草稿')}.{extension}"
    number = _("第%(n)d期") % {"n": briefing.number}
    return f"{briefing.campaign.name}-{_('工作简报')}-{number}.{extension}"

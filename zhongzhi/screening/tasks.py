"""Background work of screening: routing proposals for a whole campaign."""

import logging

from django.tasks import task
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zhongzhi.campaigns.models import Campaign
from zhongzhi.core.jobs import job_fail, job_start, job_succeed, progress_reporter
from zhongzhi.core.models import Job
from zhongzhi.screening.services.routing import CHUNK, campaign_routing_proposals

logger = logging.getLogger(__name__)

PROPOSALS_JOB = "routing_proposals"


@task(queue_name="triage")
def routing_proposals(job_id: int, campaign_id: int, language: str = "zh-hans") -> None:
    job = Job.objects.filter(pk=job_id).first()
    campaign = Campaign.objects.select_related("owner_unit").filter(pk=campaign_id).first()
    if job is None or job.finished or campaign is None:
        return
    with translation.override(language):
        job_start(job.pk, message=_("正在为待分派的意见建议推荐交办单位……"))
        try:
            stored = campaign_routing_proposals(
                campaign, progress=progress_reporter(job.pk, every=CHUNK)
            )
        except Exception:
            logger.exception("routing proposals %s failed", job.pk)
            job_fail(job.pk, message=_("推荐时发生错误，请稍后重试。"))
            return
        job_succeed(
            job.pk,
            message=_("已为 %(n)d 条意见建议推荐了交办单位。") % {"n": stored},
            result={"next_url": reverse("screening:assign", args=[campaign.pk])},
        )

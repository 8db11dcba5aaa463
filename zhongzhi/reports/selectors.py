"""Reads of the reports pages."""

from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser
from zhongzhi.reports.registry import Ledger, ledgers


def ledgers_for(user: AnyUser, campaign: Campaign) -> list[Ledger]:
    """The registered ledgers this viewer is offered for the campaign, in order."""
    return [ledger for ledger in ledgers() if ledger.offered_to(user, campaign)]

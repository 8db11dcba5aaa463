"""Who may do what with triage results."""

from __future__ import annotations

from zhongzhi.campaigns.access import can_manage_campaign
from zhongzhi.campaigns.models import Campaign
from zhongzhi.org.access import AnyUser


def can_edit_hot_issues(user: AnyUser, campaign: Campaign) -> bool:
    """The campaign's office renames, merges and takes suggestions out of hot issues
    (it also runs triage): the list is the campaign's, not one unit's."""
    return can_manage_campaign(user, campaign)

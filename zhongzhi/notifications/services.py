"""Writes of notifications: ``notify`` one person, ``notify_many`` several with the
same text, ``notifications_send`` a list of different ones (a digest each), always in
one insert. Email goes to those with an address after the transaction commits, so a
rolled-back change tells nobody; a failing mail server is logged, never the caller's
error."""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhongzhi.notifications.models import Notification
from zhongzhi.org.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Message:
    recipient: User
    kind: str
    text: str
    url: str = ""


def notifications_send(messages: Sequence[Message]) -> list[Notification]:
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=m.recipient, kind=m.kind, text=m.text, url=m.url)
            for m in messages
        ],
        batch_size=500,
    )
    emails = [_email(m) for m in messages if m.recipient.email]
    if emails:
        transaction.on_commit(lambda: _send_emails(emails))
    return rows


def notify(user: User, *, kind: str, text: str, url: str = "") -> Notification:
    (row,) = notifications_send([Message(user, kind, text, url)])
    return row


def notify_many(users: Iterable[User], *, kind: str, text: str, url: str = "") -> int:
    """The same notification to each of ``users`` (each once)."""
    unique = {user.pk: user for user in users}
    return len(notifications_send([Message(u, kind, text, url) for u in unique.values()]))


def notifications_mark_read(*, user: User, notification_ids: Sequence[int] | None = None) -> int:
    """Mark the user's own notifications read: the ones named, or all of them."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


def _email(message: Message) -> EmailMessage:
    link = f"{settings.ZHONGZHI_SITE_URL.rstrip('/')}{message.url}" if message.url else ""
    body = f"{message.text}\n\n{link}".strip()
    subject = _("【众智】%(text)s") % {"text": message.text.splitlines()[0][:60]}
    return EmailMessage(subject=subject, body=body, to=[message.recipient.email])


def _send_emails(emails: list[EmailMessage]) -> None:
    try:
        mailers.default.send_messages(emails)
    except Exception:
        logger.exception("sending %d notification emails failed", len(emails))

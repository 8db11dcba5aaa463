"""Notifications: who is told of an assignment, a send-back, an extension decision;
email only after the transaction commits; the centre shows one's own, marks them
read (htmx) and the header counts the unread."""

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from tests.conftest import World
from tests.rectification.factories import problem_with_measure, routed_suggestion
from zhongzhi.notifications.models import Notification, NotificationKind
from zhongzhi.notifications.services import notify, notify_many
from zhongzhi.rectification.services.measures import measure_transition


def test_an_assignment_tells_the_units_coordinators_only(world: World) -> None:
    routed_suggestion(world)
    (note,) = Notification.objects.all()
    assert note.recipient == world.hongdaolu_coordinator
    assert note.kind == NotificationKind.ASSIGNED
    assert "1 条意见建议" in note.text
    assert note.url == reverse("screening:sign", args=[world.campaign.pk])


def test_a_send_back_tells_the_owner(world: World) -> None:
    _problem, measure = problem_with_measure(world)
    measure_transition(measure=measure, key="done", actor=world.hongdaolu_coordinator)
    Notification.objects.all().delete()
    measure_transition(
        measure=measure, key="send_back", actor=world.supervisor, reason="护栏未装完"
    )
    (note,) = Notification.objects.all()
    assert note.recipient == world.hongdaolu_coordinator
    assert note.kind == NotificationKind.SENT_BACK and "护栏未装完" in note.text


def test_email_goes_after_commit_and_not_on_rollback(
    world: World, django_capture_on_commit_callbacks: object
) -> None:
    world.office.email = "office@example.gov.cn"
    world.office.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(world.office, kind=NotificationKind.DEADLINES, text="整改时限提醒", url="/x/")
        assert mail.outbox == []  # not before the commit
    (sent,) = mail.outbox
    assert sent.to == ["office@example.gov.cn"] and "整改时限提醒" in sent.subject
    assert sent.body.endswith("/x/")
    mail.outbox.clear()
    capture = django_capture_on_commit_callbacks(execute=True)  # type: ignore[operator]
    with capture, pytest.raises(RuntimeError), transaction.atomic():
        notify(world.office, kind=NotificationKind.DEADLINES, text="回滚了")
        raise RuntimeError
    assert mail.outbox == []
    # Accounts without an address get the notification and no email.
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert notify_many([world.leader, world.leader], kind="deadlines", text="一次") == 1
    assert mail.outbox == []


def test_the_centre_shows_ones_own_and_marks_them_read(world: World) -> None:
    mine = notify(world.hongdaolu_coordinator, kind=NotificationKind.DEADLINES, text="我的提醒")
    theirs = notify(world.jinkoulu_coordinator, kind=NotificationKind.DEADLINES, text="别人的")
    client = world.client_for(world.hongdaolu_coordinator)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "我的提醒" in page and "别人的" not in page
    assert '<b class="badge">1</b>' in page
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    row = client.post(reverse("notifications:read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "已读" in row.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    page = client.get(reverse("notifications:list")).content.decode()
    assert 'class="badge"' not in page


def test_mark_all_read_touches_only_ones_own(world: World) -> None:
    for text in ("一", "二"):
        notify(world.office, kind=NotificationKind.DEADLINES, text=text)
    other = notify(world.leader, kind=NotificationKind.DEADLINES, text="三")
    client = world.client_for(world.office)
    assert client.post(reverse("notifications:read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=world.office, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_centre_needs_a_login_and_has_an_empty_state(world: World, client: object) -> None:
    response = client.get(reverse("notifications:list"))  # type: ignore[attr-defined]
    assert response.status_code == 302
    page = world.client_for(world.leader).get(reverse("notifications:list")).content.decode()
    assert "没有消息" in page

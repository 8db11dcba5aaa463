"""Every string Django shows has Chinese in zh-hans: Django's zh_Hans catalogues plus
ours (zhongzhi/locale/zh_Hans), which fills what Django's leaves untranslated."""

import pytest
from django.utils import translation

from tests.core.django_catalogues import OURS, django_catalogues, po, read_po
from zhongzhi.campaigns.models import PlanItem

pytestmark = pytest.mark.usefixtures("compiled_catalogs")


def chinese(domain: str) -> set[tuple[str, str]]:
    """What Django translates into zh_Hans: one catalogue per domain, merged from all."""
    return {
        (message.context, message.msgid)
        for root in django_catalogues(domain)
        for message in read_po(po(root, "zh_Hans", domain))
        if message.translated
    }


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_django_message_has_chinese(domain: str) -> None:
    ours = {(m.context, m.msgid) for m in read_po(po(OURS, "zh_Hans", domain)) if m.translated}
    covered = chinese(domain) | ours
    missing = [
        f"{root.parent.name}: {message.msgid!r}"
        for root in django_catalogues(domain)
        for message in read_po(po(root, "en", domain))
        if (message.context, message.msgid) not in covered
    ]
    assert not missing, f"add to zhongzhi/locale/zh_Hans/LC_MESSAGES/{domain}.po"


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_our_chinese_catalogue_adds_only_what_django_lacks(domain: str) -> None:
    ours = {(m.context, m.msgid) for m in read_po(po(OURS, "zh_Hans", domain))}
    assert not ours & chinese(domain)


def test_an_empty_choice_reads_in_the_users_language(db: None) -> None:
    field = PlanItem._meta.get_field("stage").formfield()
    assert field is not None
    with translation.override("zh-hans"):
        assert "- 请选择 -" in field.widget.render("stage", "")
    with translation.override("en"):
        assert "- Select an option -" in field.widget.render("stage", "")

"""Organisation tree (单位), accounts and the roles a user holds in a unit.

Scoping rests on `Unit.path`: the ids of a unit's ancestors and its own, so a
subtree is one `path__startswith` query and needs no recursion.
"""

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    SUBDISTRICT = "subdistrict", _("街道/镇")
    COMMUNITY = "community", _("社区/村")
    DEPARTMENT = "department", _("部门")
    ENTERPRISE = "enterprise", _("企业/单位")


unit_code_validator = RegexValidator(
    r"^[A-Za-z0-9_.-]{1,32}$", _("单位编码只能包含字母、数字、下划线、点和连字符，最长 32 位。")
)


# What separates the names of Unit.places: 、，, ; ； and any whitespace (newlines).
_PLACE_SEPARATORS = re.compile(r"[、，,;；\s]+")
PLACE_NAME_MAX_LENGTH = 50


def split_place_names(text: str) -> list[str]:
    """The names of a places text in the order written, each once."""
    return list(dict.fromkeys(name for name in _PLACE_SEPARATORS.split(text) if name))


def place_name_errors(text: str) -> list[str]:
    """Why the names of a places text cannot be kept (none when they can)."""
    return [
        _("地名“%(name)s…”太长，每个地名最多 %(max)d 字；多个地名请用顿号、逗号或换行分开。")
        % {"name": name[:10], "max": PLACE_NAME_MAX_LENGTH}
        for name in split_place_names(text)
        if len(name) > PLACE_NAME_MAX_LENGTH
    ]


class Unit(models.Model):
    code = models.CharField(
        _("单位编码"), max_length=32, unique=True, validators=[unit_code_validator]
    )
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # "/1/5/12/": ids from the root down to this unit. Written only by org.services.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    # Streets, estates, landmarks and other names a suggestion may use for this unit's
    # area: routing proposes the unit whose names a suggestion mentions.
    places = models.TextField(
        _("辖区地名和别称"),
        blank=True,
        help_text=_("辖区内的道路、小区、地标和单位的别称，用顿号、逗号或换行分隔。"),
    )

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def place_names(self) -> list[str]:
        return split_place_names(self.places)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        # A unit may not sit under itself or under one of its own descendants.
        parent = self.parent if self.parent_id else None
        if parent is not None and self.path and parent.path.startswith(self.path):
            errors["parent"] = [str(_("不能把单位设为它自己或其下级单位的下级。"))]
        if place_errors := place_name_errors(self.places):
            errors["places"] = place_errors
        if errors:
            raise ValidationError(errors)

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to the parent (not including this unit)."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def is_in_subtree_of(self, other: "Unit") -> bool:
        return self.path.startswith(other.path)


class User(AbstractUser):
    """An account. `username` is the login name; a mobile number is typical."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("首次登录须修改密码"),
        default=False,
        help_text=_("用一次性密码创建的账号，登录后先修改密码才能继续。"),
    )

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    OFFICE = "office", _("领导小组办公室")
    COORDINATOR = "coordinator", _("联络员")
    STAFF = "staff", _("工作人员")
    SUPERVISOR = "supervisor", _("督导组成员")
    LEADER = "leader", _("领导")


class Membership(models.Model):
    """A role a user holds in a unit.

    For office, coordinator and leader the role covers the unit and its subtree;
    staff cover their own unit; a supervisor holds one membership per unit
    assigned to them and sees exactly those units, read-only.
    """

    user = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    # Granted by the supervision groups the user is in (`supervision.services`), which
    # add and remove such rows as their members and units change; rows made by hand
    # or by the account import are never touched by them.
    granted_by_groups = models.BooleanField(_("由督导组授予"), default=False, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "role"], name="membership_unique_user_unit_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

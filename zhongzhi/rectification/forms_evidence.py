"""The evidence field of the progress form: several files in one input."""

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

# What the file picker offers; the service checks each file by its content anyway.
ACCEPT = (
    "image/jpeg,image/png,image/webp,application/pdf,"
    ".doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpg,.jpeg,.png,.webp,.pdf"
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Returns a list of uploads (empty when none was chosen); ``progress_post``'s
    ``evidence`` takes it as it is."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("佐证材料"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("照片、PDF 或 Office 文档，可多选；照片会自动生成缩略图。")
        )
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        return [single(item, initial) for item in files if item]

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（可先用模板填写）。"))
        if (upload.size or 0) > settings.ZHONGZHI_MAX_UPLOAD_BYTES:
            limit = settings.ZHONGZHI_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(_("文件太大，最大 %(limit)d MB。") % {"limit": limit})
        return upload

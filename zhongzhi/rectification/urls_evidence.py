"""Evidence files of progress updates, at /rectification/files/ (``zhongzhi/urls.py``)."""

from django.urls import path

from zhongzhi.rectification import views_evidence

app_name = "rectification_evidence"

urlpatterns = [
    path("<int:evidence_id>/", views_evidence.evidence_file, name="file"),
    path("<int:evidence_id>/preview/", views_evidence.evidence_preview, name="preview"),
]

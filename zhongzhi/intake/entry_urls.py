"""Entry pages for units, mounted at /suggestions/entry/: paper forms (意见表) and
meeting quick entry."""

from django.urls import path

from zhongzhi.intake.views import meetings, paper_form

app_name = "intake_entry"
urlpatterns = [
    path("", paper_form.entry_index, name="index"),
    path("<int:campaign_id>/paper-form/", paper_form.paper_form_page, name="paper_form"),
    path(
        "<int:campaign_id>/paper-form/template.xlsx",
        paper_form.paper_form_template,
        name="paper_form_template",
    ),
    path(
        "<int:campaign_id>/paper-form/upload/",
        paper_form.paper_form_upload,
        name="paper_form_upload",
    ),
    path(
        "paper-form/imports/<int:job_id>/receipts.xlsx",
        paper_form.paper_form_receipts,
        name="paper_form_receipts",
    ),
    path(
        "paper-form/imports/<int:job_id>/slips/",
        paper_form.paper_form_slips,
        name="paper_form_slips",
    ),
    path("<int:campaign_id>/meetings/", meetings.meeting_list, name="meeting_list"),
    path("<int:campaign_id>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
]

from urllib.parse import quote

from django.http import HttpResponse

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


def attachment_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download whose Chinese file name survives in every current browser (RFC 6266)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(content, filename, XLSX_MIME)


def docx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(content, filename, DOCX_MIME)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    return attachment_response(content, filename, PDF_MIME)

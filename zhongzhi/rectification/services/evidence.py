"""Evidence files (佐证材料) of a progress update.

A file is accepted for what it contains, never for its name: a photo (JPEG, PNG,
WEBP), a PDF, or an Office document (Word, Excel, PowerPoint; the old binary .doc,
.xls and .ppt too). ``sniff`` reads the first bytes, and for Office files the zip's
``[Content_Types].xml`` or the old format's directory of streams; photos are then
decoded in full (a decompression bomb or a damaged photo is refused), turned upright
by their EXIF orientation and shrunk to a JPEG preview for the page. The saved name
carries the extension of what the file is, whatever it was called.

Files go through Django's storage API (the ``Evidence.file`` field's storage: the
local media folder by default, an S3-compatible store through the ``STORAGES``
setting) and are never served from a public URL: pages link to
``rectification.views_evidence``, which checks access first.

Nothing slow happens inside the update's transaction: ``evidence_prepare`` reads and
checks every upload and makes the previews (no storage, no database);
``evidence_store`` writes them to storage (removing what it wrote if one fails);
``evidence_discard`` removes them again when the update's transaction then fails.
"""

import io
import logging
import re
import struct
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from zhongzhi.rectification.models import EvidenceKind, StoredFile

logger = logging.getLogger(__name__)

# A photo's preview fits in this square: sharp on a laptop, a few hundred kB at most.
PREVIEW_SIZE = 1280
PREVIEW_QUALITY = 82
# What an Office zip may declare unpacked; its members are never unpacked here, but a
# file that claims more is no document anyone wrote by hand.
MAX_OFFICE_MEMBERS = 10_000
MAX_OFFICE_UNPACKED_BYTES = 500 * 1024 * 1024
MAX_CONTENT_TYPES_BYTES = 1024 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "ZHONGZHI_EVIDENCE_MAX_FILE_BYTES", 10 * 1024 * 1024))


def max_files() -> int:
    return int(getattr(settings, "ZHONGZHI_EVIDENCE_MAX_FILES", 5))


def max_update_bytes() -> int:
    return int(getattr(settings, "ZHONGZHI_EVIDENCE_MAX_UPDATE_BYTES", 30 * 1024 * 1024))


def max_pixels() -> int:
    return int(getattr(settings, "ZHONGZHI_EVIDENCE_MAX_PIXELS", 50_000_000))


# --- the accepted types --------------------------------------------------------------


@dataclass(frozen=True)
class FileType:
    key: str
    kind: str
    content_type: str
    # The extension a saved file gets; names already ending in one of ``extensions``
    # keep theirs.
    extension: str
    extensions: frozenset[str]
    # The short name on the page ("Word", "PDF").
    badge: str
    pil_format: str = ""


def _type(
    key: str, kind: str, content_type: str, extensions: str, badge: str, pil: str = ""
) -> FileType:
    names = extensions.split()
    return FileType(key, kind, content_type, names[0], frozenset(names), badge, pil)


_OOXML = "application/vnd.openxmlformats-officedocument"
IMAGE, PDF, OFFICE = EvidenceKind.IMAGE, EvidenceKind.PDF, EvidenceKind.OFFICE
FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in [
        _type("jpeg", IMAGE, "image/jpeg", ".jpg .jpeg .jpe .jfif", "JPEG", "JPEG"),
        _type("png", IMAGE, "image/png", ".png", "PNG", "PNG"),
        _type("webp", IMAGE, "image/webp", ".webp", "WEBP", "WEBP"),
        _type("pdf", PDF, "application/pdf", ".pdf", "PDF"),
        _type("docx", OFFICE, f"{_OOXML}.wordprocessingml.document", ".docx", "Word"),
        _type("xlsx", OFFICE, f"{_OOXML}.spreadsheetml.sheet", ".xlsx", "Excel"),
        _type("pptx", OFFICE, f"{_OOXML}.presentationml.presentation", ".pptx", "PowerPoint"),
        _type("doc", OFFICE, "application/msword", ".doc", "Word"),
        _type("xls", OFFICE, "application/vnd.ms-excel", ".xls", "Excel"),
        _type("ppt", OFFICE, "application/vnd.ms-powerpoint", ".ppt", "PowerPoint"),
    ]
}
_BY_CONTENT_TYPE = {t.content_type: t for t in FILE_TYPES.values()}
# Extensions a file called the wrong one of is renamed from, not appended to.
_OTHER_EXTENSIONS = (
    ".gif .bmp .tif .tiff .heic .heif .txt .zip .rar .7z .exe .html .htm .wps .et .dps"
)
_KNOWN_EXTENSIONS = {e for t in FILE_TYPES.values() for e in t.extensions} | set(
    _OTHER_EXTENSIONS.split()
)


def badge_for(content_type: str) -> str:
    """The short type name shown beside a document ("Word", "PDF")."""
    found = _BY_CONTENT_TYPE.get(content_type)
    return found.badge if found else _("文件")


class EvidenceRefused(ValidationError):
    """An upload that cannot be evidence; the message names the file and says why."""

    def __init__(self, message: str) -> None:
        super().__init__({"evidence": [message]})
        self.message_text = message


def _accepted() -> str:
    return _(
        "佐证材料只能是照片（JPEG、PNG、WEBP）、PDF 或 Office 文档（Word、Excel、PowerPoint）。"
    )


def _refuse_as(name: str, what: str) -> EvidenceRefused:
    return EvidenceRefused(
        _("“%(name)s”实际是%(what)s，不能作为佐证材料上传。") % {"name": name, "what": what}
        + _accepted()
    )


# --- sniffing ------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<script|<svg|<\?xml)", re.I)
# HEIF brands: what an iPhone saves unless set to "most compatible".
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


def sniff(data: bytes, name: str) -> FileType:
    """What ``data`` is, from its content; ``EvidenceRefused`` naming ``name`` otherwise.

    Any bytes at all give one or the other (never another exception)."""
    if not data:
        raise EvidenceRefused(_("“%(name)s”是空文件。") % {"name": name})
    if data.startswith(b"\xff\xd8\xff"):
        return FILE_TYPES["jpeg"]
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FILE_TYPES["png"]
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return FILE_TYPES["webp"]
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-4096:]:
            raise EvidenceRefused(
                _("“%(name)s”是不完整的 PDF 文件（可能没有下载或保存完整），请重新保存后再上传。")
                % {"name": name}
            )
        return FILE_TYPES["pdf"]
    if data.startswith(_ZIP_MAGIC):
        return _sniff_ooxml(data, name)
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, name)
    raise _unknown(data, name)


def _unknown(data: bytes, name: str) -> EvidenceRefused:
    head = data[:512].removeprefix(b"\xef\xbb\xbf")
    if data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS:
        return EvidenceRefused(
            _(
                "“%(name)s”是 HEIC/HEIF 格式的照片，暂不支持。请在手机上选“兼容性最佳”"
                "（JPEG）格式，或转成 JPEG 后再上传。"
            )
            % {"name": name}
        )
    if data.startswith(b"MZ") or data.startswith(b"\x7fELF") or data[:4] in _MACHO:
        return _refuse_as(name, _("可执行程序"))
    if data.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh")):
        return _refuse_as(name, _("压缩包"))
    if data.startswith((b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")):
        return EvidenceRefused(
            _("“%(name)s”是 GIF、BMP 或 TIFF 格式的图片，请转成 JPEG 或 PNG 后再上传。")
            % {"name": name}
        )
    if _HTML_START.match(head):
        return _refuse_as(name, _("网页或 XML 文件"))
    return EvidenceRefused(_("“%(name)s”不是可以识别的文件。") % {"name": name} + _accepted())


_MACHO = {b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"}

_OOXML_MAIN = {
    f"{_OOXML}.wordprocessingml.document.main+xml": ("docx", "word/"),
    f"{_OOXML}.spreadsheetml.sheet.main+xml": ("xlsx", "xl/"),
    f"{_OOXML}.presentationml.presentation.main+xml": ("pptx", "ppt/"),
}
_OOXML_MACRO = {
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def _macros(name: str) -> EvidenceRefused:
    return EvidenceRefused(
        _("“%(name)s”含有宏，不能上传。请另存为不含宏的文档（.docx、.xlsx、.pptx）后再上传。")
        % {"name": name}
    )


def _sniff_ooxml(data: bytes, name: str) -> FileType:
    """A zip is an Office document when its content types name a main part that is in
    the archive, under the folder of its kind; any other zip is refused."""
    a_zip = _refuse_as(name, _("压缩包（zip）"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {member.filename for member in members}
            if len(members) > MAX_OFFICE_MEMBERS or (
                sum(member.file_size for member in members) > MAX_OFFICE_UNPACKED_BYTES
            ):
                raise a_zip
            types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
            if types is None or types.file_size > MAX_CONTENT_TYPES_BYTES:
                raise a_zip
            xml = archive.read(types)
    except EvidenceRefused:
        raise
    except Exception:  # zipfile raises many kinds of errors on a damaged archive
        raise EvidenceRefused(
            _("“%(name)s”已损坏，无法打开。请重新保存后再上传。") % {"name": name}
        ) from None
    overrides = _content_type_overrides(xml)
    if overrides is None:
        raise a_zip
    if any(ct in _OOXML_MACRO for ct in overrides.values()) or any(
        n.lower().endswith("vbaproject.bin") for n in names
    ):
        raise _macros(name)
    for part, content_type in overrides.items():
        main = _OOXML_MAIN.get(content_type)
        if main is None:
            continue
        key, folder = main
        part = part.lstrip("/")
        if part.startswith(folder) and part in names:
            return FILE_TYPES[key]
    raise a_zip


def _content_type_overrides(xml: bytes) -> dict[str, str] | None:
    """PartName → ContentType of the Override elements; None when it is not that file.
    Content types never have a DTD: one is refused rather than expanded."""
    if b"<!DOCTYPE" in xml.upper() or b"<!ENTITY" in xml.upper():
        return None
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    if root.tag != f"{_CT_NS}Types":
        return None
    return {
        element.get("PartName", ""): element.get("ContentType", "")
        for element in root.iter(f"{_CT_NS}Override")
    }


# The old binary Office formats are OLE2 compound files: a little FAT file system whose
# directory names the streams. Word's main stream is "WordDocument", Excel's "Workbook"
# (or "Book" before Excel 97), PowerPoint's "PowerPoint Document"; an xlsx with an
# opening password is an OLE2 file with an "EncryptedPackage" stream; an installer
# (.msi) is OLE2 with none of these.
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_OLE_MAIN = {"WordDocument": "doc", "Workbook": "xls", "Book": "xls", "PowerPoint Document": "ppt"}
_OLE_MACROS = {"Macros", "_VBA_PROJECT_CUR", "VBA", "_VBA_PROJECT"}


class _Unreadable(Exception):
    pass


def _ole_stream_names(data: bytes) -> set[str]:
    if len(data) < 512:
        raise _Unreadable
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise _Unreadable
    size = 1 << shift
    count = len(data) // size - 1  # the header takes the first sector's room

    def sector(number: int) -> bytes:
        if number >= count:
            raise _Unreadable
        return data[(number + 1) * size : (number + 2) * size]

    # The FAT's own sectors: the first 109 listed in the header, the rest in a chain of
    # DIFAT sectors. A real file has fewer FAT sectors than sectors; a file that claims
    # more (or loops) is refused before anything is joined.
    fat_count = struct.unpack_from("<I", data, 0x2C)[0]
    if fat_count > count:
        raise _Unreadable
    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat = struct.unpack_from("<I", data, 0x44)[0]
    while len(fat_sectors) < fat_count:
        if difat in (_END_OF_CHAIN, _FREE):
            raise _Unreadable
        values = struct.unpack(f"<{size // 4}I", sector(difat))
        fat_sectors.extend(values[:-1])
        difat = values[-1]
    fat_bytes = b"".join(sector(s) for s in fat_sectors[:fat_count])
    fat = struct.unpack(f"<{len(fat_bytes) // 4}I", fat_bytes)
    names: set[str] = set()
    current = struct.unpack_from("<I", data, 0x30)[0]
    for _step in range(count + 1):
        if current == _END_OF_CHAIN:
            return names
        if current >= len(fat):
            raise _Unreadable
        block = sector(current)
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", block, offset + 64)[0]
            kind = block[offset + 66]
            if kind in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                names.add(block[offset : offset + length - 2].decode("utf-16-le", "replace"))
        current = fat[current]
    raise _Unreadable  # a directory chain longer than the file: a loop


def _sniff_ole(data: bytes, name: str) -> FileType:
    try:
        names = _ole_stream_names(data)
    except (_Unreadable, struct.error, IndexError):
        raise EvidenceRefused(
            _("“%(name)s”已损坏，无法打开。请重新保存后再上传。") % {"name": name}
        ) from None
    if "EncryptedPackage" in names:
        raise EvidenceRefused(
            _("“%(name)s”设置了打开密码，核验人无法打开。请取消密码后再上传。") % {"name": name}
        )
    if names & _OLE_MACROS:
        raise _macros(name)
    for stream, key in _OLE_MAIN.items():
        if stream in names:
            return FILE_TYPES[key]
    raise _refuse_as(name, _("其他格式的文件（例如安装包）"))


# --- reading and checking uploads ----------------------------------------------------


@dataclass(frozen=True)
class PreparedEvidence:
    """An upload that passed every check, ready to store."""

    name: str  # the original name, cleaned, with the extension of what it is
    type: FileType
    data: bytes
    preview: bytes | None  # a JPEG, for photos


_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_name(name: str, file_type: FileType | None = None) -> str:
    """The name people see and download: no folders, no control characters, at most
    100 characters, and (given its type) the extension of what the file really is."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_IN_NAME.sub("", name).strip().strip(".") or _("佐证材料")
    if file_type is not None:
        stem, dot, extension = name.rpartition(".")
        suffix = f".{extension.lower()}"
        if not dot or not stem:
            stem, extension = name, file_type.extension[1:]
        elif suffix not in file_type.extensions:
            # "报告.jpg" that is a PNG becomes "报告.png"; "10.15 现场" gets ".jpg" added.
            stem = stem if suffix in _KNOWN_EXTENSIONS else name
            extension = file_type.extension[1:]
        name = f"{stem[: 100 - len(extension) - 1]}.{extension}"
    return name[:100]


def _read(upload: File, name: str, limit: int) -> bytes:
    too_large = EvidenceRefused(
        _("“%(name)s”太大了（%(size)s），每个文件最大 %(limit)s。")
        % {"name": name, "size": _megabytes(upload.size or 0), "limit": _megabytes(limit)}
    )
    if (upload.size or 0) > limit:
        raise too_large
    try:
        upload.seek(0)
        data = upload.read(limit + 1)
    except (OSError, ValueError):
        raise EvidenceRefused(_("“%(name)s”无法读取，请重新选择。") % {"name": name}) from None
    if not isinstance(data, bytes):
        raise EvidenceRefused(_("“%(name)s”无法读取，请重新选择。") % {"name": name})
    if len(data) > limit:
        raise too_large
    return data


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def evidence_prepare(uploads: Sequence[File]) -> list[PreparedEvidence]:
    """Check every upload (count, sizes, type by content, photos decoded) and make the
    previews. Raises ``EvidenceRefused`` for the first bad one; touches no storage."""
    uploads = list(uploads)
    if len(uploads) > max_files():
        raise EvidenceRefused(
            _("一次最多上传 %(limit)d 个佐证材料，现在选了 %(count)d 个。")
            % {"limit": max_files(), "count": len(uploads)}
        )
    total = sum(upload.size or 0 for upload in uploads)
    if total > max_update_bytes():
        raise EvidenceRefused(
            _("佐证材料一共 %(size)s，一次最多 %(limit)s，请分几次报送。")
            % {"size": _megabytes(total), "limit": _megabytes(max_update_bytes())}
        )
    prepared = []
    for upload in uploads:
        shown = clean_name(upload.name or "")
        data = _read(upload, shown, max_file_bytes())
        file_type = sniff(data, shown)
        preview = _photo_preview(data, file_type, shown) if file_type.kind == IMAGE else None
        prepared.append(PreparedEvidence(clean_name(shown, file_type), file_type, data, preview))
    return prepared


def _photo_preview(data: bytes, file_type: FileType, name: str) -> bytes:
    """Decode the whole photo (refusing bombs and damaged files) and return an upright
    JPEG that fits in ``PREVIEW_SIZE``."""
    damaged = EvidenceRefused(
        _("“%(name)s”这张图片已损坏或不完整，无法打开。请重新拍摄或导出后再上传。") % {"name": name}
    )
    limit = max_pixels()
    # ``ImageFile.LOAD_TRUNCATED_IMAGES`` stays False (Pillow's default): a truncated
    # photo fails to load and is refused here.
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own pixel limit and refuses at twice it; both refuse.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[file_type.pil_format]) as image:
                width, height = image.size
                if width <= 0 or height <= 0:
                    raise damaged
                if width * height > limit:
                    raise _bomb(name, width, height, limit)
                if file_type.key == "jpeg":
                    # Decode at a reduced scale straight away (JPEG's DCT allows it),
                    # still at least the preview's size in both directions.
                    image.draft("RGB", (PREVIEW_SIZE, PREVIEW_SIZE))
                image.load()
                return _jpeg_preview(image)
    except EvidenceRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bomb(name, 0, 0, limit) from None
    except Exception as exc:  # Pillow's decoders raise many kinds of errors on bad data
        logger.info("evidence photo refused: %r", exc)
        raise damaged from None


def _bomb(name: str, width: int, height: int, limit: int) -> EvidenceRefused:
    values = {"name": name, "width": width, "height": height, "limit": f"{limit:,}"}
    if not width:
        return EvidenceRefused(
            _("“%(name)s”这张图片太大了，最多 %(limit)s 像素。请缩小后再上传。") % values
        )
    return EvidenceRefused(
        _(
            "“%(name)s”这张图片太大了（%(width)d×%(height)d 像素），最多 %(limit)s 像素。"
            "请缩小后再上传。"
        )
        % values
    )


def _jpeg_preview(image: Image.Image) -> bytes:
    try:
        upright = ImageOps.exif_transpose(image) or image
    except Exception:  # a damaged EXIF block: the photo itself is fine, keep it as taken
        upright = image
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
    elif upright.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit and float greyscale: scale to 8 bits before colour conversion.
        flat = upright.convert("I").point(lambda v: v / 256).convert("L").convert("RGB")
    else:
        flat = upright.convert("RGB")
    flat.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=PREVIEW_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


# --- storage -------------------------------------------------------------------------


def evidence_store[F: StoredFile](prepared: Iterable[PreparedEvidence], model: type[F]) -> list[F]:
    """Write the files to storage and return unsaved rows of ``model`` (``Evidence``,
    or another `StoredFile`) pointing at them, their owner still to set. If storage
    fails, what was written is removed and ``EvidenceRefused`` says so."""
    stored: list[F] = []
    try:
        for item in prepared:
            row = model(
                kind=item.type.kind,
                original_name=item.name,
                content_type=item.type.content_type,
                size=len(item.data),
            )
            stored.append(row)
            stem = uuid.uuid4().hex
            row.file.save(f"{stem}{item.type.extension}", ContentFile(item.data), save=False)
            if item.preview is not None:
                row.preview.save(f"{stem}.jpg", ContentFile(item.preview), save=False)
    except Exception:
        logger.exception("uploaded files could not be stored")
        evidence_discard(stored)
        raise EvidenceRefused(_("文件保存失败，没有保存任何内容。请稍后再试。")) from None
    return stored


def evidence_discard(evidence: Iterable[StoredFile]) -> None:
    """Remove stored files whose update was not saved. Never raises: it runs while
    another error is on its way to the user."""
    for item in evidence:
        for field_file in (item.file, item.preview):
            if not field_file or not field_file.name:
                continue
            try:
                field_file.storage.delete(field_file.name)
            except Exception:
                logger.exception("could not remove stored evidence %s", field_file.name)

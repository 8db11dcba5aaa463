"""Real small files for the evidence tests, made on the spot."""

import io
import struct
import zipfile
import zlib

import openpyxl
from docx import Document
from PIL import Image

EXIF_ORIENTATION = 0x0112


def jpeg(size: tuple[int, int] = (800, 600), *, orientation: int | None = None) -> bytes:
    """A photo: the left half red, the right half blue (so a rotation shows)."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def png(size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    image = Image.new(mode, size, {"RGBA": (0, 128, 0, 128)}.get(mode, 90))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def webp(size: tuple[int, int] = (300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "green").save(out, "WEBP")
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF as Pillow writes it (a scanned acceptance form, say)."""
    out = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(out, "PDF")
    return out.getvalue()


def minimal_pdf() -> bytes:
    """The smallest PDF by hand: one empty page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def docx() -> bytes:
    document = Document()
    document.add_heading("兴安支路路面修补完成情况", level=1)
    document.add_paragraph("10月12日完成破损路面修补，共计约60平方米。")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "整改措施", "完成情况"])
    sheet.append([1, "修补路面", "已完成"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ooxml(main_part: str, content_type: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A bare Office package with one main part (what a .pptx or .docm is at heart)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr(main_part, "<root/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


PPTX_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pptx() -> bytes:
    return ooxml("ppt/presentation.xml", PPTX_MAIN)


def docm() -> bytes:
    return ooxml("word/document.xml", DOCM_MAIN, {"word/vbaProject.bin": b"\x00" * 10})


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("照片/说明.txt", "压缩包里的照片")
    return out.getvalue()


_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole(*streams: str) -> bytes:
    """An OLE2 compound file (what .doc, .xls, .ppt and .msi are) whose directory has
    these (empty) streams: 512-byte sectors, sector 0 the FAT, sector 1 the
    directory."""
    assert len(streams) <= 3  # one directory sector: the root and three streams
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<III", header, 0x2C, 1, 1, 0)  # FAT sectors, directory, signature
    struct.pack_into("<IIIII", header, 0x38, 4096, _END, 0, _END, 0)
    difat = [0] + [_FREE] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)
    fat = [_FAT, _END]
    fat_sector = struct.pack(f"<{len(fat)}I", *fat) + b"\xff" * (512 - 4 * len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le")
        raw = bytearray(128)
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded) + 2, kind, 1)
        struct.pack_into("<III", raw, 68, _FREE, right, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    entries = [entry("Root Entry", 5, 1 if streams else _FREE, _FREE, _END, 0)]
    for index, name in enumerate(streams):
        right = index + 2 if index + 1 < len(streams) else _FREE
        entries.append(entry(name, 2, _FREE, right, _END, 0))
    while len(entries) < 4:
        entries.append(bytes(64) + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + bytes(48))
    directory = b"".join(entries)
    return bytes(header) + fat_sector + directory


def png_claiming(width: int, height: int) -> bytes:
    """A PNG header that says ``width × height`` with almost no data behind it: a
    decompression bomb as the header sees it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def executable() -> bytes:
    """The start of a Windows program (the "MZ" header and DOS stub text)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"This program cannot be run in DOS mode." * 4


def html_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

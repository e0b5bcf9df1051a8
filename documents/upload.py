"""Open an uploaded Word file safely, before an import reads anything from it.

The file comes from outside, and its name, its declared sizes and its XML can all lie, so
every check looks at the bytes. A file that fails one is refused with a ValidationError
that tells the person what the file is and what to do, and nothing is created. A file that
passes is a ReviewPackage: the few parts an import reads, decompressed, each known to be
well-formed XML without a DTD."""

import copy
import hashlib
import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import NoReturn

from django.core.exceptions import ValidationError
from lxml import etree

MB = 1024 * 1024
MAX_BYTES = 20 * MB  # the upload limit
MAX_UNPACKED = 200 * MB  # all parts together, decompressed
MAX_RATIO = 200  # decompressed/compressed for any one part above 1 MiB
MAX_PARTS = 10_000  # a Word document has tens of parts; a zip of millions is an attack
CHUNK = 1 << 16
# Each part an import reads, unpacked. The review copy of a 5,000-entry proposal has a
# 2.6 MB document.xml and 0.5 MB of comments (2,000 of them); these leave a wide margin,
# and bound what the parser is given. Parts it does not read (images) count only
# toward MAX_UNPACKED.
PART_LIMITS = {"word/document.xml": 32 * MB, "word/comments.xml": 8 * MB, "word/commentsExtended.xml": 8 * MB,
               "word/commentsIds.xml": 8 * MB}
OTHER_PART_LIMIT = 2 * MB
# Counted in the bytes before parsing: the same copy has 152,000 tags, 7,400 paragraphs
# and 2,000 comments. A parsed element costs about 120 bytes, so 2,000,000 tags is a
# tree of about 250 MB at most.
MAX_TAGS = 2_000_000
MAX_PARAGRAPHS = 200_000
MAX_COMMENTS = 20_000
MAX_REVISIONS = 100_000

DOCUMENT = "word/document.xml"
CONTENT_TYPES = "[Content_Types].xml"
# Every part an import reads; the relationships let it find parts that a client named otherwise.
PARTS = (CONTENT_TYPES, DOCUMENT, "word/comments.xml", "word/commentsExtended.xml", "word/commentsIds.xml",
         "word/people.xml", "word/settings.xml", "docProps/core.xml", "docProps/custom.xml", "_rels/.rels",
         "word/_rels/document.xml.rels")
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"  # Word's "Strict Open XML Document"
WORD_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}

SEND_DOCX = "Upload the Word file (.docx) the reviewer sent back."
SAVE_AS_DOCX = "Open it in Word, save it as a Word Document (.docx), and upload that."
RESAVE = "Open it in Word, save it again as a Word Document (.docx), and upload that."
# What a zip that is not a Word document is, told by its content types or its ODF mimetype.
OTHER_FILES = {
    "opendocument.text": ("an OpenDocument text file (.odt)", SAVE_AS_DOCX),
    "opendocument.spreadsheet": ("an OpenDocument spreadsheet (.ods)", SEND_DOCX),
    "opendocument.presentation": ("an OpenDocument presentation (.odp)", SEND_DOCX),
    "spreadsheetml": ("an Excel workbook", SEND_DOCX),
    "ms-excel": ("an Excel workbook", SEND_DOCX),
    "presentationml": ("a PowerPoint presentation", SEND_DOCX),
    "ms-powerpoint": ("a PowerPoint presentation", SEND_DOCX),
}
ZIP_BOMB = ("This file would unpack to far more than any Word document holds, so it was not opened. "
            "Ask the reviewer to send the Word file (.docx) again.")
PART_NAMES = {"word/document.xml": "main text", "word/comments.xml": "comments",
              "word/commentsExtended.xml": "comments' replies", "word/commentsIds.xml": "comments' ids"}
PASSWORD = ("This file is protected with a password, so it cannot be read. Ask the reviewer to remove the "
            "password in Word (File > Info > Protect Document), save it as .docx, and send it again.")


@dataclass
class ReviewPackage:
    name: str  # as uploaded: for the record, never for deciding what the file is
    size: int
    checksum: str  # sha256 of the bytes, hex: the same file imported twice is the same file
    parts: dict[str, bytes]  # those of PARTS the file has, decompressed
    trees: dict = field(default_factory=dict)  # the same parts parsed (once, here): name -> root element

    def xml(self, name: str):
        """The part's root element, parsed safely; None when the file has no such part."""
        if name not in self.trees and name in self.parts:
            self.trees[name] = _parse(self.parts[name], name)
        return self.trees.get(name)


def open_review_file(data: bytes, name: str) -> ReviewPackage:
    _check_kind(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts, trees = _unpack(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, struct.error, NotImplementedError, ValueError) as error:
        raise ValidationError(f"This Word file is damaged and cannot be read. {RESAVE}", code="corrupt") from error
    return ReviewPackage(name=name, size=len(data), checksum=hashlib.sha256(data).hexdigest(), parts=parts,
                         trees=trees)


def _check_kind(data: bytes) -> None:
    """Size and the first bytes: what the file is, whatever its name says."""
    if not data:
        raise ValidationError(f"The file is empty. {SEND_DOCX}", code="empty")
    if len(data) > MAX_BYTES:
        size = math.ceil(len(data) * 10 / MB) / 10  # rounded up: 20 MB and a byte is not "20.0 MB"
        raise ValidationError(
            f"This file is {size:.1f} MB, more than the {MAX_BYTES // MB} MB limit. Upload a smaller Word file: "
            "in Word, File > Compress Pictures makes large pictures smaller.", code="too_large")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        # Counted before zipfile makes an object for every part listed: a zip can list millions.
        if data.count(b"PK\x01\x02") > MAX_PARTS:
            raise ValidationError(ZIP_BOMB, code="zip_bomb")
        return
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # Word saves a .docx with a password inside this same old container.
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ValidationError(PASSWORD, code="encrypted")
        raise ValidationError(f"This is an old Word file (.doc). {SAVE_AS_DOCX}", code="legacy_doc")
    if b"%PDF-" in data[:1024]:  # a PDF may have a few bytes before its header
        raise ValidationError(f"This is a PDF. {SEND_DOCX}", code="pdf")
    if data.startswith(b"{\\rtf"):
        raise ValidationError(f"This is a Rich Text file (.rtf). {SAVE_AS_DOCX}", code="rtf")
    raise ValidationError(f"This is not a Word document. {SEND_DOCX}", code="not_docx")


def _unpack(archive: zipfile.ZipFile) -> tuple[dict[str, bytes], dict]:
    """The parts an import reads, and each parsed: checked here, and read from these trees."""
    # Part names are case-insensitive in a Word package.
    entries = {info.filename.lower(): info for info in archive.infolist()}
    _check_entries(archive.infolist(), entries)
    budget = MAX_UNPACKED

    def read(name: str) -> bytes:
        nonlocal budget
        data = _read(archive, entries[name.lower()], budget, name)
        budget -= len(data)
        return data

    if CONTENT_TYPES.lower() not in entries:
        # An OpenDocument file says what it is in its first part.
        _refuse_other(read("mimetype").decode("ascii", "replace") if "mimetype" in entries else "")
    parts = {CONTENT_TYPES: read(CONTENT_TYPES)}
    trees = {CONTENT_TYPES: _parse(parts[CONTENT_TYPES], CONTENT_TYPES)}
    _check_types(trees[CONTENT_TYPES], entries)
    tags = 0
    for name in PARTS[1:]:
        if name.lower() in entries:
            parts[name] = read(name)
            tags += _check_counts(parts[name], name, tags)
            trees[name] = _parse(parts[name], name)
    _check_document(trees[DOCUMENT])
    return parts, trees


def _check_document(root) -> None:
    """The main part is a Word document in the namespace Word writes by default, with a body."""
    if root.tag == f"{{{STRICT_NS}}}document":
        raise ValidationError(
            "This file is saved as “Strict Open XML Document”, which the import cannot read. In Word, choose "
            "File > Save As, pick “Word Document (.docx)”, and upload that.", code="strict")
    if root.tag != f"{{{WORD_NS}}}document" or root.find(f"{{{WORD_NS}}}body") is None:
        raise ValidationError(f"This Word file is damaged: its main text has no body. {RESAVE}", code="corrupt")


def _part_limit(name: str) -> int:
    return PART_LIMITS.get(name, OTHER_PART_LIMIT)


def _what(name: str) -> str:
    return f"its {PART_NAMES[name]} ({name})" if name in PART_NAMES else f"its part {name}"


def _part_too_large(name: str, size: int | None) -> ValidationError:
    """size: as the zip declares it; None when reading found more than it declared."""
    limit = f"{_part_limit(name) / MB:g} MB"
    unpacks = f"to {size / MB:.1f} MB, more than the {limit}" if size is not None else f"to more than the {limit}"
    return ValidationError(
        f"This file is too large to import: {_what(name)} unpacks {unpacks} an import reads. Split the review "
        "into smaller files, or ask the reviewer to send the review copy again.", code="part_too_large")


def _check_entries(infos: list[zipfile.ZipInfo], entries: dict[str, zipfile.ZipInfo]) -> None:
    if len(entries) != len(infos):
        # Two parts of one name: which would Word read? A tampered file; refuse it.
        raise ValidationError(f"This Word file is damaged: it holds two parts of one name. {RESAVE}", code="corrupt")
    if any(info.flag_bits & 0x1 for info in infos):
        raise ValidationError(PASSWORD, code="corrupt")
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
        # Word only stores or deflates; bzip2 and LZMA would also decompress without a bound per read.
        raise ValidationError(f"This Word file is damaged and cannot be read. {RESAVE}", code="corrupt")
    if any("vbaproject.bin" in name for name in entries):
        raise _macro()
    if sum(info.file_size for info in infos) > MAX_UNPACKED or any(
            info.file_size > MB and info.file_size > MAX_RATIO * info.compress_size for info in infos):
        raise ValidationError(ZIP_BOMB, code="zip_bomb")
    # Their declared sizes first: a part too large is refused before a byte of it is read.
    for name in PARTS:
        info = entries.get(name.lower())
        if info is not None and info.file_size > _part_limit(name):
            raise _part_too_large(name, info.file_size)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str) -> bytes:
    """The part decompressed, chunk by chunk, stopped past its fair size: declared sizes can
    lie, so the reading itself is bounded, by the part's limit, the same ratio and the
    budget left."""
    limit = min(budget, max(MB, MAX_RATIO * info.compress_size))
    part_limit = _part_limit(name)
    # zipfile would stop at the declared size (the lie); our limit decides instead.
    unbounded = copy.copy(info)
    unbounded.file_size = 1 << 62
    data = bytearray()
    with archive.open(unbounded) as stream:
        while chunk := stream.read(CHUNK):
            data += chunk
            if len(data) > part_limit:
                raise _part_too_large(name, None)
            if len(data) > limit:
                raise ValidationError(ZIP_BOMB, code="zip_bomb")
    if len(data) != info.file_size:
        raise zipfile.BadZipFile(f"{info.filename}: {len(data)} bytes, {info.file_size} declared")
    return bytes(data)


def _count(pattern: re.Pattern, data: bytes, limit: int) -> int:
    """Matches of the pattern, counted up to one past the limit (no further: enough to refuse)."""
    found = 0
    for found, _ in enumerate(pattern.finditer(data), start=1):
        if found > limit:
            break
    return found


# An element by its local name, whatever prefix the file binds to Word's namespace.
_PARAGRAPH = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")
_REVISION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:ins|del|moveFrom|moveTo)[\s/>]")
_COMMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?comment[\s/>]")


def _check_counts(data: bytes, name: str, tags_before: int) -> int:
    """Refuse, before it is parsed, a part with more than an import reads: tags in all the
    parts together, and the paragraphs, revisions and comments. Its tags, counted."""
    tags = data.count(b"<")
    if tags_before + tags > MAX_TAGS:
        raise ValidationError(
            f"This file is too large to import: {_what(name)} holds more than {MAX_TAGS:,} pieces of markup. "
            "Split the review into smaller files.", code="too_many_tags")
    limits = {"word/document.xml": ((_PARAGRAPH, MAX_PARAGRAPHS, "paragraphs"),
                                    (_REVISION, MAX_REVISIONS, "tracked changes")),
              "word/comments.xml": ((_COMMENT, MAX_COMMENTS, "comments"),)}
    for pattern, limit, what in limits.get(name, ()):
        count = _count(pattern, data, limit)
        if count > limit:
            raise ValidationError(
                f"This file is too large to import: it has more than {limit:,} {what}. "
                "Split the review into smaller files.", code=f"too_many_{what.replace(' ', '_')}")
    return tags


def _check_types(types, entries: dict[str, zipfile.ZipInfo]) -> None:
    """From [Content_Types].xml: no macros, and a Word document as the main part."""
    rows = list(types.iterchildren(f"{{{TYPES_NS}}}Default", f"{{{TYPES_NS}}}Override"))
    kinds = [row.get("ContentType", "").lower() for row in rows]
    if any("macroenabled" in kind or "vbaproject" in kind for kind in kinds):
        raise _macro()
    overrides = {row.get("PartName", "").lower(): kind for row, kind in zip(rows, kinds) if row.get("PartName")}
    defaults = {row.get("Extension", "").lower(): kind for row, kind in zip(rows, kinds) if row.get("Extension")}
    main = overrides.get(f"/{DOCUMENT}", defaults.get("xml", ""))
    elsewhere = [name.lstrip("/") for name, kind in overrides.items() if kind in WORD_MAIN and name != f"/{DOCUMENT}"]
    if elsewhere and (main not in WORD_MAIN or DOCUMENT not in entries):
        # Word itself would follow the relationships; the import reads the name Word writes.
        raise ValidationError(f"This Word file keeps its main text in {elsewhere[0][:100]}, not in {DOCUMENT}, "
                              f"so the import cannot read it. {RESAVE}", code="renamed")
    if main in WORD_MAIN and DOCUMENT not in entries:
        raise ValidationError(f"This Word file is damaged: its main text ({DOCUMENT}) is missing. {RESAVE}",
                              code="corrupt")
    if main not in WORD_MAIN or DOCUMENT not in entries:
        _refuse_other(" ".join(kinds))


def _refuse_other(kinds: str) -> NoReturn:
    for mark, (what, advice) in OTHER_FILES.items():
        if mark in kinds:
            raise ValidationError(f"This is {what}, not a Word document. {advice}", code="not_docx")
    raise ValidationError(f"This is not a Word document. {SEND_DOCX}", code="not_docx")


def _macro() -> ValidationError:
    return ValidationError(
        "This file contains macros (a macro-enabled .docm, whatever its name), and files with macros are never "
        "opened here. Ask the reviewer to save it as a Word Document (.docx) and send that.", code="macro")


def _parse(data: bytes, part: str):
    # Outside a DTD these can only sit in comments or CDATA, which Word never writes; in the
    # UTF-16 spellings too, which a package may use.
    if any(mark.encode(encoding) in data for mark in ("<!DOCTYPE", "<!ENTITY")
           for encoding in ("utf-8", "utf-16-le", "utf-16-be")):
        raise _dtd(part)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValidationError(f"This Word file is damaged: its part {part} is not valid XML. {RESAVE}",
                              code="corrupt") from error
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # any encoding the bytes check missed
        raise _dtd(part)
    return root


def _dtd(part: str) -> ValidationError:
    return ValidationError(
        f"This file's part {part} declares a DTD or entities, which a Word document never does, so it was not "
        f"opened. {RESAVE}", code="dtd")

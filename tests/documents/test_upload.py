"""documents.upload.open_review_file: a real export opens; every bad file, generated here,
is refused with a code and a message a person can act on."""

import hashlib
import io
import random
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from comments import services as review
from documents import upload
from documents.export import export_docx
from documents.upload import MAX_BYTES, open_review_file
from occupations.models import Proposal
from occupations.sample import fill_proposal

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
SEND_DOCX = "Upload the Word file (.docx) the reviewer sent back."
CODES = {"empty", "too_large", "legacy_doc", "encrypted", "pdf", "rtf", "not_docx", "macro", "zip_bomb", "corrupt",
         "dtd", "part_too_large", "too_many_tags", "too_many_paragraphs", "too_many_tracked_changes",
         "too_many_comments"}
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + f']><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>'
)


@pytest.fixture
def export(proposal, owner) -> bytes:
    """A real review copy, with comments."""
    fill_proposal(proposal, owner, 20)
    review.thread_start(proposal=proposal, by=owner, path=f"proposal:{proposal.pk}.introduction", text="Too short.")
    return export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """300 MB of zeros in word/document.xml, deflated as it is written: about 300 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types())
        with archive.open("word/document.xml", "w") as part:
            zeros = bytes(1 << 20)
            for _ in range(300):
                part.write(zeros)
    return out.getvalue()


@pytest.fixture(scope="module")
def inflated() -> bytes:
    """As the audit found it: a main part past its limit that packs too well for the file's
    limit but not well enough for the zip-bomb ratio (the upload benchmark's own file)."""
    from documents.benchmark_upload import inflated as make

    return make()


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """The size of each piece of XML given to lxml's parser, whoever calls it."""
    from lxml import etree

    sizes, real = [], etree.fromstring

    def counting(data, *args, **kwargs):
        sizes.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(etree, "fromstring", counting)
    return sizes


def content_types(main: str = DOCX_MAIN, extra: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{TYPES}">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>')


def make_zip(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def rezip(data: bytes, parts: dict[str, bytes | str | None]) -> bytes:
    """The zip again with parts replaced, added, or (None) left out."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        kept = {info.filename: source.read(info) for info in source.infolist() if info.filename not in parts}
    return make_zip(kept | {name: content for name, content in parts.items() if content is not None})


def patch_central(data: bytes, name: str, offset: int, fmt: str, value: int) -> bytes:
    """The zip with one field of a part's central directory header changed: zipfile takes a
    part's flags, CRC and sizes from there (8 flags, 16 CRC, 24 uncompressed size)."""
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + length] == name.encode():
            patched = bytearray(data)
            struct.pack_into(fmt, patched, start + offset, value)
            return bytes(patched)
        start += 4
    raise AssertionError(f"{name} is not in the zip")


def refusal(data: bytes, name: str = "review.docx") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        open_review_file(data, name)
    return caught.value


def test_it_opens_a_real_export_and_gives_its_parts(export):
    package = open_review_file(export, "health-review-copy.docx")

    assert package.name == "health-review-copy.docx"
    assert package.size == len(export)
    assert package.checksum == hashlib.sha256(export).hexdigest()
    assert {"[Content_Types].xml", "word/document.xml", "word/comments.xml", "word/commentsExtended.xml",
            "word/commentsIds.xml", "word/people.xml", "word/settings.xml", "docProps/core.xml", "_rels/.rels",
            "word/_rels/document.xml.rels"} <= set(package.parts)
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        assert set(package.parts) == set(upload.PARTS) & set(archive.namelist())
        assert all(package.parts[name] == archive.read(name) for name in package.parts)
    document = package.xml("word/document.xml")
    assert document.tag == f"{{{W}}}document"
    assert "task text 0" in "".join(document.itertext())
    assert "Too short." in "".join(package.xml("word/comments.xml").itertext())


def test_it_gives_none_for_a_part_the_file_has_not(export):
    package = open_review_file(rezip(export, {"word/comments.xml": None}), "review.docx")
    assert "word/comments.xml" not in package.parts
    assert package.xml("word/comments.xml") is None


def test_it_opens_a_file_whatever_its_name(export):
    assert open_review_file(export, "notes.pdf").parts["word/document.xml"]


def test_it_refuses_an_empty_file():
    error = refusal(b"")
    assert error.code == "empty"
    assert error.message == f"The file is empty. {SEND_DOCX}"


def test_it_refuses_a_file_over_the_limit_and_says_both_sizes():
    error = refusal(bytes(MAX_BYTES + 1))
    assert error.code == "too_large"
    assert error.message.startswith("This file is 20.1 MB, more than the 20 MB limit.")
    # At the limit, it is the content that is judged.
    assert refusal(bytes(MAX_BYTES)).code == "not_docx"


def test_it_refuses_an_old_binary_doc():
    error = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "review.docx")
    assert error.code == "legacy_doc"
    assert error.message == ("This is an old Word file (.doc). Open it in Word, save it as a Word Document (.docx), "
                             "and upload that.")


def test_it_refuses_a_password_protected_word_file():
    # Word keeps an encrypted .docx in the old container, beside a stream of this name.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024) + "EncryptedPackage".encode("utf-16-le") + bytes(512)
    error = refusal(data)
    assert error.code == "encrypted"
    assert "protected with a password" in error.message


def test_it_refuses_a_pdf():
    error = refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "review.docx")
    assert error.code == "pdf"
    assert error.message == f"This is a PDF. {SEND_DOCX}"


def test_it_refuses_rich_text():
    error = refusal(rb"{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}}\f0 Tasks\par}")
    assert error.code == "rtf"
    assert error.message.startswith("This is a Rich Text file (.rtf). Open it in Word, save it as a Word Document")


def test_it_refuses_a_renamed_text_file():
    error = refusal("Dear coordinator, my comments are below.\n".encode(), "review.docx")
    assert error.code == "not_docx"
    assert error.message == f"This is not a Word document. {SEND_DOCX}"


def test_it_refuses_a_zip_that_is_not_a_word_document():
    error = refusal(make_zip({"notes.txt": "my comments"}))
    assert error.code == "not_docx"
    assert error.message == f"This is not a Word document. {SEND_DOCX}"


def test_it_says_an_excel_workbook_is_one():
    sheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    types = (f'<?xml version="1.0"?><Types xmlns="{TYPES}"><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/xl/workbook.xml" ContentType="{sheet}"/></Types>')
    error = refusal(make_zip({"[Content_Types].xml": types, "xl/workbook.xml": "<workbook/>"}), "review.docx")
    assert error.code == "not_docx"
    assert error.message == f"This is an Excel workbook, not a Word document. {SEND_DOCX}"


def test_it_says_an_opendocument_text_is_one():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")  # stored, first: as ODF has it
        archive.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    error = refusal(out.getvalue(), "review.docx")
    assert error.code == "not_docx"
    assert error.message == ("This is an OpenDocument text file (.odt), not a Word document. Open it in Word, "
                             "save it as a Word Document (.docx), and upload that.")


def test_it_refuses_a_package_without_a_main_document(export):
    missing = refusal(rezip(export, {"word/document.xml": None}))  # its content types still name it
    assert missing.code == "corrupt" and "its main text (word/document.xml) is missing" in missing.message
    assert refusal(rezip(export, {"[Content_Types].xml": None})).code == "not_docx"


def test_it_refuses_a_macro_enabled_document_whatever_its_name(export):
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert DOCX_MAIN in types
    error = refusal(rezip(export, {"[Content_Types].xml": types.replace(DOCX_MAIN, DOCM_MAIN)}), "review.docx")
    assert error.code == "macro"
    assert "never opened" in error.message
    assert "save it as a Word Document (.docx)" in error.message


def test_it_refuses_a_document_carrying_a_macro_project(export):
    error = refusal(rezip(export, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)}))
    assert error.code == "macro"


def test_it_refuses_a_zip_bomb(bomb):
    assert len(bomb) < 1 << 20
    error = refusal(bomb)
    assert error.code == "zip_bomb"
    assert error.message.startswith("This file would unpack to far more than any Word document holds")


def test_it_refuses_one_part_compressed_past_any_real_document():
    data = make_zip({"[Content_Types].xml": content_types(), "word/document.xml": "<w:document/>",
                     "word/media/image1.png": bytes(2 << 20)})
    assert refusal(data).code == "zip_bomb"


def test_it_refuses_parts_that_add_up_past_the_limit(monkeypatch):
    monkeypatch.setattr(upload, "MAX_UNPACKED", 5 << 20)
    # Each part is 1 MiB, under the size from which the ratio counts; together they are too much.
    images = {f"word/media/image{n}.png": bytes(1 << 20) for n in range(6)}
    data = make_zip({"[Content_Types].xml": content_types(), "word/document.xml": "<w:document/>"} | images)
    assert refusal(data).code == "zip_bomb"


def test_it_refuses_a_zip_of_too_many_parts(monkeypatch):
    monkeypatch.setattr(upload, "MAX_PARTS", 50)
    parts = {f"word/media/image{n}.png": b"" for n in range(51)}
    assert refusal(make_zip({"[Content_Types].xml": content_types()} | parts)).code == "zip_bomb"


def test_it_stops_decompressing_a_part_whose_declared_size_lies(bomb):
    # Declared 1,000 bytes: the declared sizes pass, only the reading itself can tell.
    liar = patch_central(bomb, "word/document.xml", 24, "<I", 1000)
    with zipfile.ZipFile(io.BytesIO(liar)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1000
    # Stopped at the main part's 32 MB, before the ratio's 60 MB (its 300 KB times 200).
    assert refusal(liar).code == "part_too_large"


def test_it_refuses_a_part_whose_size_does_not_match(export):
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        size = archive.getinfo("word/settings.xml").file_size
    error = refusal(patch_central(export, "word/settings.xml", 24, "<I", size + 1))
    assert error.code == "corrupt"
    assert error.message.startswith("This Word file is damaged and cannot be read.")


@pytest.mark.parametrize("part", ["word/document.xml", "word/comments.xml"])
def test_it_refuses_entity_expansion(export, part):
    error = refusal(rezip(export, {part: LAUGHS}))
    assert error.code == "dtd"
    assert error.message.startswith(f"This file's part {part} declares a DTD or entities")


def test_it_never_reads_an_external_entity(export, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the coordinator's password")
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>'
                f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    for unseen in (document.encode(), document.replace('"1.0"?', '"1.0" encoding="UTF-16"?').encode("utf-16")):
        error = refusal(rezip(export, {"word/document.xml": unseen, "word/comments.xml": None}))
        assert error.code == "dtd"
        assert "password" not in error.message


def test_it_refuses_a_doctype_the_bytes_do_not_show(export):
    # UTF-32 hides "<!DOCTYPE" from a byte search; the parsed tree still shows it, unexpanded.
    document = (f'<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE w:document [<!ENTITY x "y">]>'
                f'<w:document xmlns:w="{W}"><w:body/></w:document>')
    error = refusal(rezip(export, {"word/document.xml": document.encode("utf-32")}))
    assert error.code == "dtd"


def test_it_refuses_a_doctype_without_entities(export):
    with zipfile.ZipFile(io.BytesIO(export)) as archive:
        settings = archive.read("word/settings.xml").decode()
    settings = settings.replace("?>", '?><!DOCTYPE w:settings SYSTEM "http://example.com/settings.dtd">', 1)
    assert refusal(rezip(export, {"word/settings.xml": settings})).code == "dtd"


@pytest.mark.parametrize("part", ["word/document.xml", "word/comments.xml", "[Content_Types].xml"])
def test_it_refuses_xml_that_does_not_parse_and_names_the_part(export, part):
    error = refusal(rezip(export, {part: f'<w:document xmlns:w="{W}"><w:body>'}))
    assert error.code == "corrupt"
    assert error.message.startswith(f"This Word file is damaged: its part {part} is not valid XML.")


def test_it_refuses_a_truncated_zip(export):
    for end in (len(export) // 2, len(export) - 10):
        error = refusal(export[:end])
        assert error.code == "corrupt"
        assert error.message == ("This Word file is damaged and cannot be read. Open it in Word, save it again as "
                                 "a Word Document (.docx), and upload that.")


def test_it_refuses_a_crc_error(export):
    assert refusal(patch_central(export, "word/document.xml", 16, "<I", 0)).code == "corrupt"


def test_it_refuses_an_encrypted_part(export):
    error = refusal(patch_central(export, "word/document.xml", 8, "<H", 0x1))
    assert error.code == "corrupt"
    assert "protected with a password" in error.message


def test_it_refuses_two_parts_of_one_name(export):
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = make_zip({"[Content_Types].xml": content_types()} | {"word/document.xml": "<a/>"})
        out = io.BytesIO(data)
        with zipfile.ZipFile(out, "a") as archive:
            archive.writestr("Word/Document.xml", "<b/>")
            archive.writestr("word/document.xml", "<c/>")
    assert refusal(out.getvalue()).code == "corrupt"


def test_it_refuses_a_compression_word_never_uses():
    data = make_zip({"[Content_Types].xml": content_types(), "word/document.xml": "<w:document/>"}, zipfile.ZIP_BZIP2)
    assert refusal(data).code == "corrupt"


def test_it_refuses_damaged_bytes_with_a_message_never_a_crash(export):
    chance = random.Random(6)
    for _ in range(300):
        damaged = bytearray(export)
        for _ in range(chance.randint(1, 4)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        try:
            open_review_file(bytes(damaged), "review.docx")
        except ValidationError as error:
            assert error.code in CODES


# Limits per part, checked before anything is parsed ---------------------------------------

def test_it_refuses_an_inflated_main_part_by_its_declared_size_before_parsing(inflated, parsed):
    assert len(inflated) < MAX_BYTES
    with zipfile.ZipFile(io.BytesIO(inflated)) as archive:
        info = archive.getinfo("word/document.xml")
        assert upload.MAX_RATIO * info.compress_size > info.file_size > upload.PART_LIMITS["word/document.xml"]
    error = refusal(inflated)
    assert error.code == "part_too_large"
    assert error.message.startswith(
        "This file is too large to import: its main text (word/document.xml) unpacks to 33.0 MB, more than the "
        "32 MB an import reads.")
    assert parsed == []  # not even [Content_Types].xml: the sizes are read from the zip's directory


def test_it_stops_reading_a_part_whose_declared_size_hides_its_size(inflated, parsed):
    liar = patch_central(inflated, "word/document.xml", 24, "<I", 1000)
    error = refusal(liar)
    assert error.code == "part_too_large"
    assert "its main text (word/document.xml) unpacks to more than the 32 MB an import reads." in error.message
    assert len(parsed) == 1  # [Content_Types].xml only: the main part never reached the parser


def test_it_refuses_comments_past_their_limit(export, parsed):
    said = " ".join(random.Random(8).choices(["data", "health", "records", "systems", "care", "why"], k=1_700_000))
    comments = (f'<w:comments xmlns:w="{W}">'
                + f'<w:comment w:id="0" w:author="A"><w:p><w:r><w:t>{said}</w:t></w:r></w:p>'
                + "</w:comment></w:comments>")
    error = refusal(rezip(export, {"word/comments.xml": comments}))
    assert error.code == "part_too_large"
    size = len(comments.encode()) / upload.MB
    assert size > 8
    assert f"its comments (word/comments.xml) unpacks to {size:.1f} MB, more than the 8 MB" in error.message
    assert parsed == []


def test_it_refuses_any_other_part_it_reads_past_two_megabytes(export, parsed):
    noise = random.Random(5).randbytes(1_200_000).hex().encode()
    settings_xml = b'<w:settings xmlns:w="' + W.encode() + b'"><w:rsids w:v="' + noise + b'"/></w:settings>'
    error = refusal(rezip(export, {"word/settings.xml": settings_xml}))
    assert error.code == "part_too_large"
    assert f"its part word/settings.xml unpacks to {len(settings_xml) / upload.MB:.1f} MB, more than the 2 MB" in (
        error.message)
    assert parsed == []


def test_it_counts_pictures_only_toward_the_whole(export):
    picture = random.Random(3).randbytes(3 * upload.MB)  # past 2 MB, and a part the import never reads
    package = open_review_file(rezip(export, {"word/media/image1.png": picture}), "r.docx")
    assert "word/media/image1.png" not in package.parts


def _document(body: str, prefix: str = "w") -> str:
    return f'<{prefix}:document xmlns:{prefix}="{W}"><{prefix}:body>{body}</{prefix}:body></{prefix}:document>'


@pytest.mark.parametrize("limit,body,code", [
    ("MAX_PARAGRAPHS", "<x:p/>" * 11, "too_many_paragraphs"),
    ("MAX_PARAGRAPHS", "<x:p><x:r><x:t>p</x:t></x:r></x:p>" * 11, "too_many_paragraphs"),
    ("MAX_REVISIONS", "<x:p>" + '<x:ins x:id="1"><x:r><x:t>a</x:t></x:r></x:ins>' * 6
     + '<x:del x:id="2"/>' * 5 + "</x:p>", "too_many_tracked_changes"),
    ("MAX_TAGS", "<x:p>" + "<x:r/>" * 200 + "</x:p>", "too_many_tags"),
])
def test_it_refuses_a_main_part_with_too_much_in_it_before_parsing(export, monkeypatch, parsed, limit, body, code):
    monkeypatch.setattr(upload, limit, 10 if limit != "MAX_TAGS" else 150)
    error = refusal(rezip(export, {"word/document.xml": _document(body, "x")}))
    assert error.code == code
    assert error.message.startswith("This file is too large to import:")
    assert f"{getattr(upload, limit):,}" in error.message
    document = len(_document(body, "x"))
    assert document not in parsed


def test_it_refuses_too_many_comments_before_parsing_them(export, monkeypatch, parsed):
    monkeypatch.setattr(upload, "MAX_COMMENTS", 3)
    comments = (f'<c:comments xmlns:c="{W}">'
                + "".join(f'<c:comment c:id="{n}" c:author="A"><c:p/></c:comment>' for n in range(4))
                + "</c:comments>")
    error = refusal(rezip(export, {"word/comments.xml": comments}))
    assert error.code == "too_many_comments" and "more than 3 comments" in error.message
    assert len(comments) not in parsed


def test_it_opens_a_file_at_its_limits(export, monkeypatch):
    package = open_review_file(export, "review.docx")
    document = package.parts["word/document.xml"]
    monkeypatch.setitem(upload.PART_LIMITS, "word/document.xml", len(document))
    monkeypatch.setattr(upload, "MAX_PARAGRAPHS", upload._count(upload._PARAGRAPH, document, 10**9))
    assert open_review_file(export, "review.docx").parts["word/document.xml"] == document


# Files that open as zips but are not what the import reads -----------------------------

STRICT_W = "http://purl.oclc.org/ooxml/wordprocessingml/main"
STRICT_R = "http://purl.oclc.org/ooxml/officeDocument/relationships"


def as_strict(data: bytes) -> bytes:
    """The file as Word saves it with "Strict Open XML Document": the same parts in the
    ISO namespaces."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    return make_zip({name: content.replace(W.encode(), STRICT_W.encode()).replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships", STRICT_R.encode())
        for name, content in parts.items()})


def test_it_says_a_strict_open_xml_file_is_one_and_how_to_save_it(export):
    error = refusal(as_strict(export))
    assert error.code == "strict"
    assert error.message == ("This file is saved as “Strict Open XML Document”, which the import cannot read. In "
                             "Word, choose File > Save As, pick “Word Document (.docx)”, and upload that.")


@pytest.mark.parametrize("document", [
    f'<w:document xmlns:w="{W}"/>',
    f'<w:document xmlns:w="{W}"><w:background/></w:document>',
    f'<w:body xmlns:w="{W}"><w:p/></w:body>',
    '<document><body><p/></body></document>',
    '<x:document xmlns:x="urn:other"><x:body/></x:document>',
])
def test_it_refuses_a_main_part_that_is_not_a_word_documents_body(export, document):
    error = refusal(rezip(export, {"word/document.xml": document}))
    assert error.code == "corrupt"
    assert error.message.startswith("This Word file is damaged: its main text has no body.")

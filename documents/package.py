"""The .docx package, streamed: each part is compressed into the zip as it is written and
the bytes handed on at once, so a long proposal starts downloading before it is finished.
Deterministic: entries in a fixed order with a fixed time, and nothing taken from the
clock."""

import zipfile
from collections.abc import Iterable, Iterator

from documents.wordml import (
    COMMENT_PARTS, CT, DECLARATION, FOOTER, REL, SETTINGS, TEMPLATE_PARTS, W, W14, W15, W16CID, MC,
    escape, run, settings_xml, template_part,
)

# Zip's earliest time: the same for every entry of every export.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 16


class _Pipe:
    """A write-only stream for zipfile that the generator empties after each write. It
    cannot seek, so zipfile writes each entry's sizes after its data."""

    def __init__(self):
        self.buffer = bytearray()
        self.offset = 0

    def write(self, data) -> int:
        self.buffer += data
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    info.create_system = 0
    return info


def stream_zip(parts: Iterable[tuple[str, Iterable[bytes]]]) -> Iterator[bytes]:
    """The bytes of a zip of (name, chunks of content) parts, as they are made."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, chunks in parts:
            with archive.open(_entry(name), "w") as entry:
                pending = []
                size = 0
                for chunk in chunks:
                    pending.append(chunk)
                    size += len(chunk)
                    if size >= CHUNK:
                        entry.write(b"".join(pending))
                        pending, size = [], 0
                        if pipe.buffer:
                            yield pipe.take()
                if pending:
                    entry.write(b"".join(pending))
            # Each finished part goes out at once: the download starts with the first.
            if pipe.buffer:
                yield pipe.take()
    yield pipe.take()


def content_types(review: bool) -> bytes:
    overrides = {
        "/word/document.xml": f"{CT}.document.main+xml",
        "/word/settings.xml": SETTINGS[1],
        "/word/footer1.xml": FOOTER[1],
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "/docProps/custom.xml": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    }
    overrides.update({f"/{name}": content for name, (_, content) in TEMPLATE_PARTS.items()})
    if review:
        overrides.update({f"/{name}": content for name, (_, content) in COMMENT_PARTS.items()})
    rows = "".join(f'<Override PartName="{name}" ContentType="{content}"/>' for name, content in overrides.items())
    return (
        f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{rows}</Types>'
    ).encode()


def _relationships(rows: list[tuple[str, str, str]]) -> bytes:
    body = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in rows)
    return (f'{DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f"{body}</Relationships>").encode()


def package_relationships() -> bytes:
    return _relationships([
        ("rId1", f"{REL}/officeDocument", "word/document.xml"),
        ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
         "docProps/core.xml"),
        ("rId3", f"{REL}/extended-properties", "docProps/app.xml"),
        ("rId4", f"{REL}/custom-properties", "docProps/custom.xml"),
    ])


def document_relationships(review: bool) -> bytes:
    rows = [("rIdSettings", SETTINGS[0], "settings.xml"), ("rIdFooter", FOOTER[0], "footer1.xml")]
    parts = dict(TEMPLATE_PARTS, **(COMMENT_PARTS if review else {}))
    rows += [(f"rId{index}", kind, name.removeprefix("word/"))
             for index, (name, (kind, _)) in enumerate(parts.items(), start=1)]
    return _relationships(rows)


def core_properties(*, title: str, author: str, subject: str, revision: int, created: str, modified: str,
                    description: str) -> bytes:
    return (
        f"{DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:subject>{escape(subject)}</dc:subject>"
        f"<dc:creator>{escape(author)}</dc:creator><dc:description>{escape(description)}</dc:description>"
        f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>{revision}</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


CUSTOM_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


def custom_properties(values: dict[str, str]) -> bytes:
    """Properties that say where the file came from (File > Properties > Custom in Word),
    so that a reviewed copy can be matched to its proposal and to the text it was made from."""
    rows = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" name="{escape(name)}">'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), start=2)
    )
    return (f'{DECLARATION}<Properties xmlns="{CUSTOM_PROPERTIES}" '
            f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{rows}</Properties>'
            ).encode()


def app_properties() -> bytes:
    return (
        f'{DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>SOC Proposal Studio</Application><DocSecurity>0</DocSecurity></Properties>"
    ).encode()


def footer() -> bytes:
    """Page X of Y, centred."""
    def field(instruction: str) -> str:
        return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instruction} '
                '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    return (
        f'{DECLARATION}<w:ftr xmlns:w="{W}"><w:p><w:pPr><w:pStyle w:val="Footer"/><w:jc w:val="center"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">Page </w:t></w:r>{field("PAGE")}'
        f'<w:r><w:t xml:space="preserve"> of </w:t></w:r>{field("NUMPAGES")}</w:p></w:ftr>'
    ).encode()


DOCUMENT_OPEN = (
    f'{DECLARATION}<w:document xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    f'xmlns:w14="{W14}" xmlns:mc="{MC}" mc:Ignorable="w14"><w:body>'
)
DOCUMENT_CLOSE = "</w:body></w:document>"


def comment_parts(threads: list) -> dict[str, bytes]:
    """comments.xml with every message; commentsExtended.xml linking replies to their
    thread (by the paraId of each comment's last paragraph) and marking resolved ones
    done; commentsIds.xml and people.xml, which Word expects beside them."""
    comments, extended, durable, people = [], [], [], {}
    paragraph = 0
    for thread in threads:
        root_para = ""
        for number, message in zip(thread.ids, thread.messages):
            paras = []
            for index, text in enumerate(message.paragraphs):
                paragraph += 1
                para_id = f"{paragraph:08X}"
                mark = '<w:r><w:annotationRef/></w:r>' if index == 0 else ""
                paras.append(f'<w:p w14:paraId="{para_id}" w14:textId="77777777">{mark}'
                             f'{run(text)}</w:p>')
            comments.append(
                f'<w:comment w:id="{number}" w:author="{escape(message.author)}" w:date="{message.date}" '
                f'w:initials="{escape(message.initials)}">{"".join(paras)}</w:comment>'
            )
            parent = f' w15:paraIdParent="{root_para}"' if root_para else ""
            extended.append(f'<w15:commentEx w15:paraId="{para_id}"{parent} w15:done="{int(thread.done)}"/>')
            durable.append(f'<w16cid:commentId w16cid:paraId="{para_id}" w16cid:durableId="{0x10000000 + number:08X}"/>')
            people.setdefault(message.author, None)
            root_para = root_para or para_id
    persons = "".join(
        f'<w15:person w15:author="{escape(name)}"><w15:presenceInfo w15:providerId="None" '
        f'w15:userId="{escape(name)}"/></w15:person>'
        for name in people
    )
    return {
        "word/comments.xml": (f'{DECLARATION}<w:comments xmlns:w="{W}" xmlns:w14="{W14}" xmlns:mc="{MC}" '
                              f'mc:Ignorable="w14">{"".join(comments)}</w:comments>').encode(),
        "word/commentsExtended.xml": (f'{DECLARATION}<w15:commentsEx xmlns:w15="{W15}" xmlns:mc="{MC}" '
                                      f'mc:Ignorable="w15">{"".join(extended)}</w15:commentsEx>').encode(),
        "word/commentsIds.xml": (f'{DECLARATION}<w16cid:commentsIds xmlns:w16cid="{W16CID}" xmlns:mc="{MC}" '
                                 f'mc:Ignorable="w16cid">{"".join(durable)}</w16cid:commentsIds>').encode(),
        "word/people.xml": (f'{DECLARATION}<w15:people xmlns:w15="{W15}" xmlns:mc="{MC}" mc:Ignorable="w15">'
                            f"{persons}</w15:people>").encode(),
    }


def template_parts() -> list[tuple[str, bytes]]:
    return [(name, template_part(name)) for name in TEMPLATE_PARTS]


def settings(review: bool) -> bytes:
    return settings_xml(review)

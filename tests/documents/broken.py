"""Broken Word files, made from a real review copy, as the import meets them: cut short,
with a part that is not XML, without its main part, saved as Strict Open XML, with its
main part under another name, and with a reply that has no id (the schema requires one;
the reading fails on it)."""

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    return data[:len(data) * 2 // 3]


def broken_xml(data: bytes) -> bytes:
    parts = parts_of(data)
    parts["word/document.xml"] = parts["word/document.xml"][:-200]
    return zipped(parts)


def without_main_part(data: bytes) -> bytes:
    parts = parts_of(data)
    del parts["word/document.xml"]
    return zipped(parts)


def strict(data: bytes) -> bytes:
    return zipped({name: content.replace(W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main").replace(
        RELS.encode(), b"http://purl.oclc.org/ooxml/officeDocument/relationships")
        for name, content in parts_of(data).items()})


def main_part_renamed(data: bytes) -> bytes:
    parts = parts_of(data)
    parts["word/main.xml"] = parts.pop("word/document.xml")
    for name in ("[Content_Types].xml", "_rels/.rels"):
        parts[name] = parts[name].replace(b"/word/document.xml", b"/word/main.xml").replace(
            b'"word/document.xml"', b'"word/main.xml"')
    parts["word/_rels/main.xml.rels"] = parts.pop("word/_rels/document.xml.rels")
    return zipped(parts)


def reply_without_id(data: bytes, reply: str) -> bytes:
    parts = parts_of(data)
    comments = etree.fromstring(parts["word/comments.xml"])
    for comment in comments.iter(f"{{{W}}}comment"):
        if reply in "".join(comment.itertext()):
            del comment.attrib[f"{{{W}}}id"]
    parts["word/comments.xml"] = etree.tostring(comments)
    return zipped(parts)

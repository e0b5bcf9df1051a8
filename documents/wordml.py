"""WordprocessingML written as text: escaping, runs, and the package's fixed parts.

The body of a long proposal is tens of thousands of elements; written as strings it takes
a fraction of the time of building them as objects (see `manage.py benchmark`). Styles,
numbering, fonts and theme are python-docx's default template, read from the installed
package, so the document uses Word's built-in styles and takes any template."""

import functools
import re
import zipfile
from pathlib import Path

import docx
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS = {"w": W, "r": R, "w14": W14, "w15": W15, "w16cid": W16CID, "mc": MC}

# XML 1.0 cannot hold these at all (a carriage return it would read back as a line feed),
# so no text from the database may carry them into the file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def escape(text: str) -> str:
    """Text for an element or an attribute value, with what XML cannot hold dropped."""
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def text_content(text: str, tag: str = "w:t") -> str:
    """A run's content: text, with tabs as Word's tab elements."""
    parts = escape(text).split("\t")
    out = []
    for index, part in enumerate(parts):
        if index:
            out.append("<w:tab/>")
        if part:
            out.append(f'<{tag} xml:space="preserve">{part}</{tag}>')
    return "".join(out)


def run(text: str, rpr: str = "", deleted: bool = False) -> str:
    content = text_content(text, "w:delText" if deleted else "w:t")
    if not content:
        return ""
    return f"<w:r>{'<w:rPr>' + rpr + '</w:rPr>' if rpr else ''}{content}</w:r>"


def date(moment) -> str:
    """A date as Word writes it: UTC, to the second."""
    from datetime import timezone

    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- The package's fixed parts ------------------------------------------------------

CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

# Parts taken from the template as they are (their relationship type, content type).
TEMPLATE_PARTS = {
    "word/styles.xml": (f"{REL}/styles", f"{CT}.styles+xml"),
    "word/numbering.xml": (f"{REL}/numbering", f"{CT}.numbering+xml"),
    "word/fontTable.xml": (f"{REL}/fontTable", f"{CT}.fontTable+xml"),
    "word/webSettings.xml": (f"{REL}/webSettings", f"{CT}.webSettings+xml"),
    "word/theme/theme1.xml": (f"{REL}/theme", "application/vnd.openxmlformats-officedocument.theme+xml"),
}
SETTINGS = (f"{REL}/settings", f"{CT}.settings+xml")
FOOTER = (f"{REL}/footer", f"{CT}.footer+xml")
COMMENT_PARTS = {
    "word/comments.xml": (f"{REL}/comments", f"{CT}.comments+xml"),
    "word/commentsExtended.xml": ("http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
                                  f"{CT}.commentsExtended+xml"),
    "word/commentsIds.xml": ("http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
                             f"{CT}.commentsIds+xml"),
    "word/people.xml": ("http://schemas.microsoft.com/office/2011/relationships/people", f"{CT}.people+xml"),
}


def template_path() -> Path:
    return Path(docx.__file__).parent / "templates" / "default.docx"


@functools.cache
def template_part(name: str) -> bytes:
    with zipfile.ZipFile(template_path()) as template:
        return template.read(name)


@functools.cache
def settings_xml(track_changes: bool) -> bytes:
    """The template's settings in Word 2013+ mode (not "Compatibility Mode"), with Track
    Changes on for a review copy. The settings' children have a fixed order:
    trackRevisions goes before defaultTabStop."""
    root = etree.fromstring(template_part("word/settings.xml"))
    for setting in root.iterfind("w:compat/w:compatSetting", NS):
        if setting.get(f"{{{W}}}name") == "compatibilityMode":
            setting.set(f"{{{W}}}val", "15")
    for obsolete in root.iterfind("w:rsids", NS):
        root.remove(obsolete)
    if track_changes:
        tab_stop = root.find("w:defaultTabStop", NS)
        tab_stop.addprevious(etree.Element(f"{{{W}}}trackRevisions"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

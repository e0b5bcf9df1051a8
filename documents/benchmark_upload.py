"""`manage.py benchmark`'s "upload" section: what refusing a hostile file costs. The audit's
inflated file (a main part past its limit that packs about 2:1, so neither the file's
size nor the zip-bomb ratio stops it) is refused by its declared size, and again with
that size falsified, so that only reading it can tell; time and peak memory of each,
beside opening the review copy of a proposal of --upload-size entries."""

import io
import random
import statistics
import time
import tracemalloc
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def arguments(parser) -> None:
    parser.add_argument("--upload-size", type=int, default=5000,
                        help="Entry count of the review copy the upload section opens beside the hostile files.")


def inflated(megabytes: int = 33) -> bytes:
    """A .docx whose word/document.xml is `megabytes` MB of random hex in one paragraph."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", f'<?xml version="1.0"?><Types xmlns="{TYPES}"><Default '
                         f'Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                         f'ContentType="{MAIN}"/></Types>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            noise = random.Random(24)
            for _ in range(megabytes):
                part.write(noise.randbytes(1 << 19).hex().encode())
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return out.getvalue()


def lying(data: bytes, name: str = "word/document.xml", size: int = 1000) -> bytes:
    """The zip with a part's declared size (in the central directory) set to `size`."""
    import struct

    data, start = bytearray(data), 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46:start + 46 + length].decode() == name:
            struct.pack_into("<I", data, start + 24, size)
            return bytes(data)
        start += 4
    raise ValueError(f"{name} is not in the zip")


def _measure(function, data: bytes, repeat: int) -> tuple[float, float, str]:
    """(median ms, peak MiB of one more run under tracemalloc, the refusal's code or "opened")."""
    from django.core.exceptions import ValidationError

    def once():
        try:
            function(data, "upload.docx")
        except ValidationError as error:
            return error.code
        return "opened"

    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        outcome = once()
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    try:
        once()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    return statistics.median(times) * 1000, peak, outcome


def section(command, *, user, repeat, upload_size=5000, **options) -> None:
    from documents.export import export_docx
    from documents.upload import open_review_file
    from occupations import services
    from occupations.sample import fill_proposal

    command.stdout.write(f"Upload of a reviewed file: opening and checking it (documents.upload), median of {repeat} "
                         "run(s), peak memory from one more (tracemalloc: Python's allocations, not lxml's trees)")
    command.stdout.write(f"{'file':<44} {'KiB':>8} {'ms':>8} {'MiB':>7}  outcome")
    proposal = services.proposal_create(title=f"Upload benchmark {upload_size}", created_by=user)
    fill_proposal(proposal, user, upload_size)
    copy = export_docx(proposal, review=True).read()
    bad = inflated()
    for label, data in ((f"review copy of {upload_size} entries", copy),
                        ("inflated: 33 MB of main text, declared", bad),
                        ("inflated: the same, its size falsified", lying(bad))):
        ms, peak, outcome = _measure(open_review_file, data, repeat)
        command.stdout.write(f"{label:<44} {len(data) / 1024:>8.0f} {ms:>8.1f} {peak:>7.1f}  {outcome}")

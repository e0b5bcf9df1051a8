"""`manage.py benchmark`'s "export" section: the review copy's export time for generated
proposals, beside two references that write the same paragraphs with python-docx.

Per size: our export split into "read" (the outline and the review placement: the
queries) and "write" (turning them into the .docx's bytes, consumed as a stream), the
medians of --repeat runs; peak memory of one more run under tracemalloc (separate, since
tracing slows everything down; it sees Python's allocations, not libxml2's, so it misses
the references' lxml trees); the file's size. The references get every paragraph text
the export writes (headings, sections' lines, entries' fields joined " — ", each table
cell as a paragraph), already read, and write them without comments, bookmarks or tables:

- naive: python-docx `Document()`, `add_paragraph(text, style=...)` per paragraph, saved;
- floor: python-docx `Document()`, the paragraphs built as lxml elements and put into
  its body in one go, saved: about as little as a python-docx document can cost.

"write/floor" is our write time over the floor's."""

import argparse
import io
import statistics
import time
import tracemalloc

from django.db import connection

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
THREADS_EVERY = 5  # one thread (with a reply) per this many entries


def _sizes(text: str) -> list[int]:
    try:
        return [int(size) for size in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"whole numbers separated by commas, not {text!r}") from None


def arguments(parser) -> None:
    parser.add_argument("--export-sizes", type=_sizes, default="100,1000,5000",
                        help="Entry counts of the export section, comma-separated.")


def add_threads(proposal, user) -> int:
    """One thread with one reply per five entries, each on the second word of its entry's
    first written field (all kinds, so list entries and table cells both carry some)."""
    from comments.models import Comment, Thread
    from occupations.kinds import ENTRY_KINDS

    entries = []
    for kind in ENTRY_KINDS:
        name = next(name for name in kind.text_fields if name != "code")
        entries += [(entry.position, kind.key, entry, name) for entry in kind.model.objects.filter(proposal=proposal)]
    entries.sort(key=lambda item: (item[0], item[1]))
    threads = []
    for index, (_, key, entry, name) in enumerate(entries[::THREADS_EVERY]):
        text = getattr(entry, name)
        words = text.split(" ")
        start = len(words[0]) + 1 if len(words) > 1 else 0
        end = start + len(words[1]) if len(words) > 1 else len(text)
        threads.append(Thread(proposal=proposal, path=f"{key}:{entry.pk}.{name}", start=start, end=end,
                              quote=text[start:end], original_quote=text[start:end], created_by=user,
                              kind=("comment", "question", "action")[index % 3]))
    threads = Thread.objects.bulk_create(threads)
    Comment.objects.bulk_create(
        Comment(thread=thread, author=user, text=text)
        for thread in threads for text in ("Is this the usual wording?", "Yes: the 2018 manual uses it.")
    )
    return len(threads)


def paragraphs(outline) -> list[tuple[str, str | None]]:
    """(text, python-docx style name) of every paragraph the export writes, in order (the
    blocks it writes: blank sections left out)."""
    from documents.body import BodyWriter
    from documents.fields import Ids

    proposal = outline.proposal
    out: list[tuple[str, str | None]] = []
    for block in BodyWriter(outline, None, Ids()).visible():
        if block.kind == "title":
            out.append((block.text, "Title"))
            out.append((f"A recommendation to the SOC Policy Committee for the {proposal.revision_cycle} revision",
                        None))
        elif block.kind == "heading":
            out.append((f"{block.number} {block.text}".strip(), f"Heading {block.level}"))
        elif block.kind == "paragraph":
            style = None
            if block.text_path.endswith(".title_options"):
                out.append(("Other titles under discussion:", None))
                style = "List Bullet"
            out += [(line, style) for line in block.paragraphs]
        elif block.kind in ("prompt", "label", "empty"):
            out.append((block.text, None))
        elif block.kind == "list":
            out += [(" — ".join(str(item.value) for item in row.fields if item.value), "List Bullet")
                    for row in block.rows]
        elif block.kind == "table":
            out += [(name, None) for name in block.columns]  # the header row
            for row in block.rows:
                out += [(cell, None) for cell in row.cells]
                # fields that have no column follow in the last cell (a figure's citation)
                columns = block.entry_kind.columns if block.entry_kind is not None else ()
                out += [(str(item.value), None) for item in row.fields[1:] if item.name not in columns and item.value]
    return out


def naive(texts) -> bytes:
    import docx

    document = docx.Document()
    for text, style in texts:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_STYLE_IDS = {"Title": "Title", "List Bullet": "ListBullet", "Heading 1": "Heading1", "Heading 2": "Heading2",
              "Heading 3": "Heading3"}


def floor(texts) -> bytes:
    import docx
    from lxml import etree

    document = docx.Document()
    body = document.element.body
    made = []
    for text, style in texts:
        paragraph = etree.Element(f"{W}p")
        if style:
            properties = etree.SubElement(paragraph, f"{W}pPr")
            etree.SubElement(properties, f"{W}pStyle", {f"{W}val": _STYLE_IDS[style]})
        run = etree.SubElement(paragraph, f"{W}r")
        content = etree.SubElement(run, f"{W}t", {XML_SPACE: "preserve"})
        content.text = text
        made.append(paragraph)
    at = len(body) - 1 if len(body) and body[-1].tag == f"{W}sectPr" else len(body)
    body[at:at] = made
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _ours(proposal):
    """(read seconds, write seconds, size in bytes, read queries, write queries)."""
    from django.test.utils import CaptureQueriesContext

    from documents.export import export_docx

    with CaptureQueriesContext(connection) as read_queries:
        started = time.perf_counter()
        export = export_docx(proposal, review=True)
        read = time.perf_counter() - started
    with CaptureQueriesContext(connection) as write_queries:
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in export.chunks)
        write = time.perf_counter() - started
    return read, write, size, len(read_queries), len(write_queries)


def _first_byte(client, proposal) -> tuple[float, float]:
    """Through the view, as a browser gets it: seconds to the first bytes, and to the last."""
    from django.urls import reverse

    started = time.perf_counter()
    response = client.get(reverse("export_word", args=[proposal.pk]), {"copy": "review"})
    chunks = iter(response.streaming_content)
    next(chunks)
    first = time.perf_counter() - started
    for _ in chunks:
        pass
    return first, time.perf_counter() - started


def _peak(function, *args) -> float:
    """Peak memory of one call, in MiB."""
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _ours_streamed(proposal) -> int:
    from documents.export import export_docx

    return sum(len(chunk) for chunk in export_docx(proposal, review=True).chunks)


def _median_seconds(function, *args, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(*args)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


HEADER = (f"{'entries':>8} {'paras':>6} {'threads':>7} {'read ms':>8} {'write ms':>9} {'queries':>7} "
          f"{'peak MiB':>8} {'KiB':>6} | {'naive ms':>8} {'MiB':>6} | {'floor ms':>8} {'MiB':>6} | "
          f"{'write/floor':>11} | {'1st byte ms':>11} {'last ms':>8}")


def section(command, *, user, repeat, export_sizes=(100, 1000, 5000), **options) -> None:
    from occupations import services
    from occupations.outline import proposal_outline
    from occupations.sample import fill_proposal

    from django.test import Client

    sizes = list(export_sizes)
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    command.stdout.write(
        f"Word export, review copy with one thread and a reply per {THREADS_EVERY} entries: median of {repeat} "
        f"run(s), peak memory from one more (database: {connection.vendor})")
    command.stdout.write(HEADER)
    for size in sizes:
        proposal = services.proposal_create(title=f"Export benchmark {size}", created_by=user)
        fill_proposal(proposal, user, size)
        threads = add_threads(proposal, user)
        texts = paragraphs(proposal_outline(proposal))
        _ours(proposal)  # warm: the template's parts are read once
        runs = [_ours(proposal) for _ in range(repeat)]
        read = statistics.median(run[0] for run in runs)
        write = statistics.median(run[1] for run in runs)
        size_bytes = runs[-1][2]
        queries = f"{runs[-1][3]}+{runs[-1][4]}"
        naive_seconds = _median_seconds(naive, texts, repeat=repeat)
        floor_seconds = _median_seconds(floor, texts, repeat=repeat)
        served = [_first_byte(client, proposal) for _ in range(repeat)]
        first_byte = statistics.median(run[0] for run in served)
        last_byte = statistics.median(run[1] for run in served)
        ours_peak = _peak(_ours_streamed, proposal)
        naive_peak = _peak(naive, texts)
        floor_peak = _peak(floor, texts)
        command.stdout.write(
            f"{size:>8} {len(texts):>6} {threads:>7} {read * 1000:>8.1f} {write * 1000:>9.1f} {queries:>7} "
            f"{ours_peak:>8.1f} {size_bytes / 1024:>6.0f} | {naive_seconds * 1000:>8.1f} {naive_peak:>6.1f} | "
            f"{floor_seconds * 1000:>8.1f} {floor_peak:>6.1f} | {write / floor_seconds:>11.2f} | "
            f"{first_byte * 1000:>11.1f} {last_byte * 1000:>8.1f}"
        )
    command.stdout.write("1st byte / last: the download through the view (review copy), from the request to its "
                         "first and last bytes.")
    command.stdout.write("MiB: tracemalloc's peak, which counts Python's allocations only: lxml's trees (libxml2) "
                         "are not in it, so the references' figures are lower bounds.")

"""`manage.py benchmark`'s "export" section: the review copy's export time for generated
proposals, beside two references that write the same paragraphs with python-docx; and its
"import" section (at the end of this module): the import of a reviewed review copy.

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


# --- the "import" section ---------------------------------------------------------------------
#
# A generated proposal's review copy made into a reviewed file here (not with the tests'
# helpers: the benchmark must not import tests), with lxml, as Word writes a reviewer's work:
# a tracked insertion per CHANGES_EVERY entries by someone who is not a member, and a new
# comment per COMMENTS_EVERY entries by a member (named by username), each on the first run
# of its entry's first bookmarked field. The exported threads come back untouched and are
# recognised, not imported again.

CHANGES_EVERY = 10
COMMENTS_EVERY = 20
REVIEWER = "Dana Outside"  # not a member: kept as a name
REVIEW_DATE = "2026-11-20T10:00:00Z"
INSERTED = " (reviewed)"
COMMENTED = "Is there a source for this?"


def import_arguments(parser) -> None:
    parser.add_argument("--import-sizes", type=_sizes, default="1000",
                        help="Entry counts of the import section, comma-separated.")


def _first_run(start):
    """The first run with text after a bookmark's start, in its paragraph and before its end."""
    for sibling in start.itersiblings():
        if sibling.tag == f"{W}bookmarkEnd" and sibling.get(f"{W}id") == start.get(f"{W}id"):
            return None
        if sibling.tag == f"{W}r" and sibling.find(f"{W}t") is not None:
            return sibling
    return None


def reviewed_copy(data: bytes, commenter: str) -> tuple[bytes, int, int]:
    """The review copy (bytes) with a reviewer's work added: (file, insertions, comments)."""
    import itertools
    import zipfile
    from copy import deepcopy

    from lxml import etree

    from documents.bookmarks import path_for_name
    from occupations.kinds import KINDS_BY_KEY

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    document = etree.fromstring(parts["word/document.xml"])
    if "word/comments.xml" not in parts:
        raise ValueError("The review copy has no comments part: the benchmark's proposal needs threads.")
    comments = etree.fromstring(parts["word/comments.xml"])
    # Revision and comment ids apart from every id the export used.
    used = [int(value) for root in (document, comments) for element in root.iter()
            if (value := element.get(f"{W}id", "")).isdigit()]
    ids = itertools.count(max(used, default=0) + 1)

    runs, seen = [], set()  # the first run of each entry's first field, in document order
    for start in document.iter(f"{W}bookmarkStart"):
        path = path_for_name(start.get(f"{W}name", ""))
        if path is None or "." not in path:
            continue
        entry = path.split(".", 1)[0]
        if entry.split(":", 1)[0] not in KINDS_BY_KEY or entry in seen:
            continue
        seen.add(entry)
        run = _first_run(start)
        if run is not None:
            runs.append(run)

    insertions = made_comments = 0
    for index, run in enumerate(runs):
        if index % CHANGES_EVERY == 0:
            inserted = etree.Element(f"{W}ins", {f"{W}id": str(next(ids)), f"{W}author": REVIEWER,
                                                 f"{W}date": REVIEW_DATE})
            new = deepcopy(run)
            for extra in new.findall(f"{W}t")[1:]:
                new.remove(extra)
            new.find(f"{W}t").text = INSERTED
            new.find(f"{W}t").set(XML_SPACE, "preserve")
            inserted.append(new)
            run.addnext(inserted)
            insertions += 1
        elif index % COMMENTS_EVERY == COMMENTS_EVERY // 4:
            number = str(next(ids))
            comment = etree.SubElement(comments, f"{W}comment", {
                f"{W}id": number, f"{W}author": commenter, f"{W}date": REVIEW_DATE, f"{W}initials": commenter[:2]})
            etree.SubElement(etree.SubElement(etree.SubElement(comment, f"{W}p"), f"{W}r"), f"{W}t").text = COMMENTED
            run.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": number}))
            end = etree.Element(f"{W}commentRangeEnd", {f"{W}id": number})
            run.addnext(end)
            reference = etree.Element(f"{W}r")
            etree.SubElement(reference, f"{W}commentReference", {f"{W}id": number})
            end.addnext(reference)
            made_comments += 1
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
    parts["word/comments.xml"] = etree.tostring(comments, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue(), insertions, made_comments


def _read_only(data: bytes) -> None:
    from documents.reading import read_review
    from documents.upload import open_review_file

    package = open_review_file(data, "reviewed.docx")
    read_review(package.parts, package.trees)


def _import_once(proposal, user, data: bytes, *, traced: bool = False) -> dict:
    """Preview (read and plan) and apply the file, then roll both back to a savepoint, so
    that every run starts from the same proposal. With traced, the peaks of each (MiB)."""
    from django.db import reset_queries, transaction
    from django.test.utils import CaptureQueriesContext

    from documents.services import review_import_apply, review_import_preview

    # The query log keeps the last 9,000 queries: a full one counts nothing new.
    reset_queries()
    savepoint = transaction.savepoint()
    try:
        if traced:
            tracemalloc.start()
        with CaptureQueriesContext(connection) as preview_queries:
            started = time.perf_counter()
            review_import, plan = review_import_preview(proposal=proposal, by=user, data=data, name="reviewed.docx")
            previewed = time.perf_counter() - started
        preview_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
        if traced:
            tracemalloc.reset_peak()
        with CaptureQueriesContext(connection) as apply_queries:
            started = time.perf_counter()
            applied = review_import_apply(review_import=review_import, by=user)
            applying = time.perf_counter() - started
        apply_peak = tracemalloc.get_traced_memory()[1] / 2**20 if traced else 0.0
    finally:
        if traced:
            tracemalloc.stop()
        transaction.savepoint_rollback(savepoint)
    summary = applied.summary
    return {"preview": previewed, "apply": applying, "preview_queries": len(preview_queries),
            "apply_queries": len(apply_queries), "preview_peak": preview_peak, "apply_peak": apply_peak,
            "planned": len(plan.items), "unmatched": len(plan.unmatched), "recognized": plan.recognized,
            "made": summary["suggestions"] + summary["threads"] + summary["replies"]}


IMPORT_HEADER = (f"{'entries':>8} {'KiB':>6} {'changes':>7} {'comments':>8} {'planned':>7} {'made':>5} "
                 f"{'known':>6} {'unmatched':>9} | {'read ms':>8} {'preview ms':>10} {'queries':>7} {'MiB':>6} | "
                 f"{'apply ms':>8} {'queries':>7} {'MiB':>6}")


def import_section(command, *, user, repeat, import_sizes=(1000,), **options) -> None:
    from occupations import services
    from occupations.members import display_name
    from occupations.sample import fill_proposal

    from documents.export import export_docx

    command.stdout.write(
        f"Word import of a reviewed review copy (one thread and a reply per {THREADS_EVERY} entries exported; "
        f"back with a tracked insertion per {CHANGES_EVERY} entries by a non-member and a new comment per "
        f"{COMMENTS_EVERY} by a member): median of {repeat} run(s), each rolled back, peak memory from one more "
        f"(database: {connection.vendor})")
    command.stdout.write(IMPORT_HEADER)
    for size in import_sizes:
        proposal = services.proposal_create(title=f"Import benchmark {size}", created_by=user)
        fill_proposal(proposal, user, size)
        add_threads(proposal, user)
        data, changes, comments = reviewed_copy(export_docx(proposal, review=True).read(), user.username)
        _import_once(proposal, user, data)  # warm
        runs = [_import_once(proposal, user, data) for _ in range(repeat)]
        read = _median_seconds(_read_only, data, repeat=repeat)
        traced = _import_once(proposal, user, data, traced=True)
        last = runs[-1]
        command.stdout.write(
            f"{size:>8} {len(data) / 1024:>6.0f} {changes:>7} {comments:>8} {last['planned']:>7} {last['made']:>5} "
            f"{last['recognized']:>6} {last['unmatched']:>9} | {read * 1000:>8.1f} "
            f"{statistics.median(run['preview'] for run in runs) * 1000:>10.1f} {last['preview_queries']:>7} "
            f"{traced['preview_peak']:>6.1f} | {statistics.median(run['apply'] for run in runs) * 1000:>8.1f} "
            f"{last['apply_queries']:>7} {traced['apply_peak']:>6.1f}")
    command.stdout.write(f"changes/comments: what the reviewer added (by {REVIEWER!r}, and by the coordinator's "
                         f"username, a member, as {display_name(user)!r}); planned: what the preview found to "
                         "create; made: suggestions, threads and replies applying created; known: exported threads, "
                         "replies and suggestions recognised and not created again.")
    command.stdout.write("read: opening the file and reading it (part of preview); preview: read, plan and the "
                         "import's record; apply: in one transaction, rolled back after each run. MiB: "
                         "tracemalloc's peak (Python's allocations; lxml's trees are not in it).")

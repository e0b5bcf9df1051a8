"""Export a proposal to Word: the submission document (accepted text only), or the review
copy (open threads as comments, open suggestions as tracked changes, Track Changes on).

`export_docx` reads everything first (the outline and, for a review copy, its threads and
suggestions: a handful of queries whatever the size), then writes the file as a stream of
bytes, so a view can start sending it at once."""

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from documents import package
from documents.body import BodyWriter
from documents.fields import Ids
from documents.review import review_placement
from documents.wordml import date
from occupations.members import display_name
from occupations.models import Membership
from occupations.outline import proposal_outline


@dataclass
class Export:
    filename: str
    chunks: Iterator[bytes]

    def read(self) -> bytes:
        return b"".join(self.chunks)


def _coordinator_name(proposal) -> str:
    membership = (Membership.objects.filter(proposal=proposal, role=Membership.Role.COORDINATOR)
                  .select_related("user").order_by("created_at", "id").first())
    return display_name(membership.user) if membership is not None else ""


def _last_change(outline, placement) -> object:
    """The latest change of anything written, so the file's date comes from the data. The
    proposal's own: its last saved version, not its updated_at, which every write to it
    moves (a new member, a comment, a rating), though none of them changes its text."""
    proposal = outline.proposal
    saved = proposal.history.values_list("history_date", flat=True).first()  # the newest first
    moments = [saved or proposal.created_at]
    moments += [block.obj.updated_at for block in outline.walk()
                if block.obj is not None and not isinstance(block.obj, type(proposal))
                and getattr(block.obj, "updated_at", None)]
    if placement is not None:
        moments += [timezone.datetime.fromisoformat(message.date.replace("Z", "+00:00"))
                    for _, thread in placement.unplaced for message in thread.messages]
    return max(moments)


# The names of the custom properties the import reads back.
PROPOSAL_PROPERTY = "SOC Proposal Studio proposal"
COPY_PROPERTY = "SOC Proposal Studio copy"
AS_OF_PROPERTY = "SOC Proposal Studio text as of"


def export_filename(proposal, *, review: bool) -> str:
    return f"{proposal.slug}{'-review-copy' if review else ''}.docx"


def export_docx(proposal, *, review: bool = False, include_resolved: bool = False) -> Export:
    outline = proposal_outline(proposal)
    placement = review_placement(outline, include_resolved=include_resolved) if review else None
    author = _coordinator_name(proposal)
    modified = _last_change(outline, placement)
    note = ""
    if review:
        note = ("Review copy: open comments and suggested changes are shown, and Track Changes is on, "
                "so your edits are recorded." + (f" Please send it back to {author}." if author else ""))
    writer = BodyWriter(outline, placement, Ids())
    core = package.core_properties(
        title=proposal.title, author=author, subject=proposal.revision_cycle, revision=proposal.version,
        created=date(proposal.created_at), modified=date(modified),
        description="Review copy" if review else "Submission document",
    )

    custom = package.custom_properties({
        PROPOSAL_PROPERTY: f"{proposal.pk} {proposal.slug}",
        COPY_PROPERTY: "review" if review else "submission",
        # The text as it was then is in each object's history: what a reviewer changed
        # without Track Changes is found against it.
        AS_OF_PROPERTY: date(modified),
    })

    def body() -> Iterator[bytes]:
        yield package.DOCUMENT_OPEN.encode()
        for chunk in writer.chunks(review_note=note):
            yield chunk.encode()
        yield package.DOCUMENT_CLOSE.encode()

    def comments() -> Iterator[tuple[str, list[bytes]]]:
        # Written after the body: the comments' ids are given as their ranges are written.
        for name, content in package.comment_parts(writer.ids.threads).items():
            yield name, [content]

    def parts() -> Iterator[tuple[str, list[bytes]]]:
        yield "[Content_Types].xml", [package.content_types(review)]
        yield "_rels/.rels", [package.package_relationships()]
        yield "docProps/core.xml", [core]
        yield "docProps/app.xml", [package.app_properties()]
        yield "docProps/custom.xml", [custom]
        yield "word/document.xml", body()
        yield "word/_rels/document.xml.rels", [package.document_relationships(review)]
        yield "word/settings.xml", [package.settings(review)]
        yield "word/footer1.xml", [package.footer()]
        for name, content in package.template_parts():
            yield name, [content]
        if review:
            yield from comments()

    return Export(filename=export_filename(proposal, review=review), chunks=package.stream_zip(parts()))

"""Importing reviewed Word files from the proposal page: the upload form and the list of
past imports, the preview, Apply and Cancel, for an owner (coordinator), the members
(editor, reviewer, observer), an outsider and nobody; bad files through the form."""

import hashlib
import html
import re
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse
from lxml import etree

from comments import services as review
from comments.models import Comment, Suggestion, Thread
from documents.export import export_docx
from documents.models import ReviewImport
from occupations import services as writing
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.models import Proposal
from occupations.sample import fill_proposal
from tests.documents import broken
from tests.documents.reviewing import Reviewer

TASKS = ("Analyze clinical data to improve care.", "Design informatics solutions for clinical teams.",
         "Train staff to use new documentation tools.", "Keep abreast of developments in informatics.")
DANA = "Dana Outside"  # a reviewer's name that is no member's
NAME = "reviewed.docx"
SEND_DOCX = "Upload the Word file (.docx) the reviewer sent back."


@pytest.fixture
def team(proposal, owner, editor, reviewer, observer):
    """Four tasks, an exported thread "Which data?" and an exported thread "Too broad?"."""
    tasks = [writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=text, by=owner)
             for text in TASKS]
    start = tasks[0].text.index("clinical data")
    asked = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{tasks[0].pk}.text", text="Which data?",
                                start=start, end=start + len("clinical data"), quote="clinical data")
    broad = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{tasks[1].pk}", text="Too broad?")
    return Proposal.objects.get(pk=proposal.pk), tasks, asked, broad


def exported(proposal) -> bytes:
    return export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read()


@pytest.fixture
def reviewed(team, reviewer, editor) -> bytes:
    """The review copy as Word saves it after two people reviewed it: Dana's insertion, the
    reviewer's deletion, Dana's comment with the editor's reply, Dana's reply to an exported
    thread, and another exported thread marked done."""
    proposal, tasks, *_ = team
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "Analyze", " and interpret", DANA)
    word.delete(f"task:{tasks[1].pk}.text", " for clinical teams", reviewer.get_full_name())
    word.comment(f"task:{tasks[3].pk}.text", "informatics", DANA, "Which journals?",
                 replies=[(editor.get_full_name(), "JAMIA, mostly.")])
    word.reply("Which data?", DANA, "And claims data.")
    word.resolve("Too broad?")
    return word.save(last_modified_by=DANA)


def upload(data: bytes, name: str = NAME, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def page_url(proposal) -> str:
    return reverse("import_page", args=[proposal.pk])


def post_file(client, proposal, data: bytes, name: str = NAME, **fields):
    """The upload; a preview is a page of its own, which the upload redirects to."""
    return client.post(page_url(proposal), {"file": upload(data, name), **fields}, follow=True)


def visible(response) -> str:
    """The page's text as a person reads it: tags dropped, entities decoded, spaces folded."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def counts() -> tuple[int, int, int]:
    return Suggestion.objects.count(), Thread.objects.count(), Comment.objects.count()


def previewed(client, proposal, data: bytes) -> ReviewImport:
    response = post_file(client, proposal, data)
    assert response.status_code == 200, visible(response)
    return ReviewImport.objects.get(proposal=proposal, checksum=hashlib.sha256(data).hexdigest())


def urls_of(proposal, review_import) -> dict[str, str]:
    return {
        "page": reverse("import_page", args=[proposal.pk]),
        "preview": reverse("import_preview", args=[proposal.pk, review_import.pk]),
        "apply": reverse("import_apply", args=[proposal.pk, review_import.pk]),
        "cancel": reverse("import_cancel", args=[proposal.pk, review_import.pk]),
    }


# --- who may ----------------------------------------------------------------------------

def test_it_sends_nobody_to_log_in(client, team, reviewed, owner):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    client.logout()
    before = counts()
    for name, url in urls_of(proposal, review_import).items():
        response = client.get(url) if name in ("page", "preview") else client.post(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
    assert client.post(page_url(proposal), {"file": upload(reviewed)}).status_code == 302
    assert counts() == before
    assert ReviewImport.objects.count() == 1
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.PREVIEWED


def test_it_hides_every_import_url_from_an_outsider(client, team, reviewed, owner, outsider):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    client.force_login(outsider)
    urls = urls_of(proposal, review_import)
    assert client.get(urls["page"]).status_code == 404
    assert post_file(client, proposal, reviewed).status_code == 404
    assert client.get(urls["preview"]).status_code == 404
    assert client.post(urls["apply"]).status_code == 404
    assert client.post(urls["cancel"]).status_code == 404
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.PREVIEWED
    assert ReviewImport.objects.count() == 1
    assert Suggestion.objects.count() == 0


@pytest.mark.parametrize("role", ["reviewer", "observer"])
def test_it_forbids_reviewers_and_observers_to_import(client, team, reviewed, owner, role, request):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    before = counts()
    client.force_login(request.getfixturevalue(role))
    urls = urls_of(proposal, review_import)
    assert client.get(urls["page"]).status_code == 403
    assert post_file(client, proposal, reviewed).status_code == 403
    assert client.get(urls["preview"]).status_code == 403
    assert client.post(urls["apply"]).status_code == 403
    assert client.post(urls["cancel"]).status_code == 403
    assert counts() == before
    assert ReviewImport.objects.count() == 1  # only the coordinator's
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.PREVIEWED and bytes(review_import.data) == reviewed


def test_it_links_the_import_for_editors_and_coordinators_only(client, team, owner, editor, reviewer, observer):
    proposal, *_ = team
    link = f'href="{page_url(proposal)}">Import reviewed Word files</a>'
    for user, shown in ((owner, True), (editor, True), (reviewer, False), (observer, False)):
        client.force_login(user)
        response = client.get(reverse("proposal_detail", args=[proposal.pk]))
        assert response.status_code == 200
        assert (link in response.content.decode()) is shown, user.username


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_it_shows_the_form_and_the_files_imported(client, team, role, request):
    proposal, *_ = team
    client.force_login(request.getfixturevalue(role))
    response = client.get(page_url(proposal))
    assert response.status_code == 200
    content = response.content.decode()
    assert '<label class="form-label" for="id_file">Reviewed Word files (.docx)</label>' in content
    assert 'enctype="multipart/form-data"' in content and "csrfmiddlewaretoken" in content
    assert 'name="text_matching"' not in content  # offered only for another proposal's file
    text = visible(response)
    assert "Import reviewed Word files" in text
    assert "up to 20 MB each." in text
    assert "Imported files None yet." in text


# --- preview, apply, cancel -----------------------------------------------------------------

@pytest.mark.parametrize("role", ["owner", "editor"])
def test_it_previews_per_section_what_the_file_brings_creating_nothing(client, team, reviewed, role, request):
    proposal, *_ = team
    before = counts()
    client.force_login(request.getfixturevalue(role))
    response = post_file(client, proposal, reviewed)
    assert response.status_code == 200
    assert counts() == before
    review_import = ReviewImport.objects.get()
    assert review_import.status == ReviewImport.Status.PREVIEWED and review_import.uploaded_by.username == role
    content, text = response.content.decode(), visible(response)
    assert f"Preview: {NAME}" in text
    assert f"SHA-256 {hashlib.sha256(reviewed).hexdigest()[:12]}…" in text
    assert "Applying creates 5 items, by Dana Outside, Reviewer Tester." in text
    assert "2 threads, replies or suggestions came back as exported and are not duplicated." in text
    assert '<h2 id="section-1" class="h5">1. Nature of work performed</h2>' in content
    # Suggestions with their marks, threads with their quotes, and who.
    # In context, marked as on the proposal's page, said to screen readers.
    assert ('Analyze<ins><span class="visually-hidden">inserted: </span> and interpret</ins> clinical data'
            in content)
    assert '<del><span class="visually-hidden">deleted: </span> for clinical teams</del>.' in content
    assert re.search(r"Dana Outside <span class=\"badge[^\"]*\">not a member</span>", content)
    assert "Reviewer Tester 20 Nov 2026" in text and "Reviewer Tester not a member" not in text
    assert "Thread on informatics Dana Outside: Which journals? Editor Tester: JAMIA, mostly." in text
    assert re.search(r"Thread</strong> on <q>informatics</q>", content)
    assert "Reply in the thread “Which data?”: And claims data." in text
    assert "Resolved in the file: the thread “Too broad?” will be resolved" in text
    assert "Editor Tester not a member" not in text
    assert "Apply: create 5 items" in text
    assert f'action="{reverse("import_apply", args=[proposal.pk, review_import.pk])}"' in content
    assert f'action="{reverse("import_cancel", args=[proposal.pk, review_import.pk])}"' in content
    assert content.count("csrfmiddlewaretoken") >= 2


def test_it_shows_the_preview_again_until_it_is_decided(client, team, reviewed, owner):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    listed = client.get(page_url(proposal))
    assert f'href="{reverse("import_preview", args=[proposal.pk, review_import.pk])}">{NAME}</a>' in (
        listed.content.decode())
    assert "Previewed" in visible(listed)
    again = client.get(reverse("import_preview", args=[proposal.pk, review_import.pk]))
    assert again.status_code == 200
    assert "Apply: create 5 items" in visible(again)


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_it_applies_the_preview(client, team, reviewed, reviewer, editor, role, request):
    proposal, tasks, asked, broad = team
    user = request.getfixturevalue(role)
    client.force_login(user)
    review_import = previewed(client, proposal, reviewed)
    response = client.post(reverse("import_apply", args=[proposal.pk, review_import.pk]), follow=True)
    assert response.redirect_chain == [(reverse("proposal_detail", args=[proposal.pk]), 302)]
    assert response.status_code == 200
    assert (f"Imported {NAME}: 2 suggestions, 1 new thread, 1 reply to a thread, 1 thread resolved."
            in visible(response))

    inserted = Suggestion.objects.get(path=f"task:{tasks[0].pk}.text")
    assert (inserted.quote, inserted.replacement, inserted.author_name, inserted.created_by) == (
        "", " and interpret", DANA, None)
    deleted = Suggestion.objects.get(path=f"task:{tasks[1].pk}.text")
    assert (deleted.quote, deleted.replacement, deleted.created_by) == (" for clinical teams", "", reviewer)
    thread = Thread.objects.get(path=f"task:{tasks[3].pk}.text")
    assert (thread.quote, thread.author_name) == ("informatics", DANA)
    assert [(c.author_label, c.text) for c in thread.comments.order_by("created_at", "id")] == [
        (DANA, "Which journals?"), (editor.get_full_name(), "JAMIA, mostly.")]
    assert list(asked.comments.order_by("id").values_list("text", flat=True)) == ["Which data?", "And claims data."]
    broad.refresh_from_db()
    assert broad.status == Thread.Status.RESOLVED and broad.resolved_by == user

    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.APPLIED
    assert bytes(review_import.data) == b"" and review_import.decided_at is not None
    assert (review_import.summary["suggestions"], review_import.summary["threads"],
            review_import.summary["replies"], review_import.summary["resolved"]) == (2, 1, 1, 1)

    listed = client.get(page_url(proposal))
    text = visible(listed)
    row = re.search(r"<tr>\s*<td>" + re.escape(NAME) + r"</td>.*?</tr>", listed.content.decode(), re.S)
    assert row, "the applied file is listed, no longer as a link to its preview"
    cells = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", cell)).split())
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)]
    assert cells[0] == NAME
    assert cells[1] == " ".join(filesizeformat(len(reviewed)).split())
    assert cells[2] == hashlib.sha256(reviewed).hexdigest()[:12] + "…"
    assert cells[3] == user.get_full_name()
    assert cells[5] == "Applied"
    assert cells[6].startswith("2 suggestions, 1 new thread")
    assert "Every file brought in, with what it created" in text


def test_it_counts_what_an_import_created_in_good_english(client, team, reviewed, owner):
    """The list of imports says "1 thread, 1 reply", as the success message does."""
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    client.post(reverse("import_apply", args=[proposal.pk, review_import.pk]), follow=True)  # the message read
    text = visible(client.get(page_url(proposal)))
    assert "2 suggestions, 1 new thread, 1 reply to a thread, 1 thread resolved" in text


def test_it_creates_nothing_on_cancel(client, team, reviewed, owner):
    proposal, *_ = team
    client.force_login(owner)
    before = counts()
    review_import = previewed(client, proposal, reviewed)
    response = client.post(reverse("import_cancel", args=[proposal.pk, review_import.pk]), follow=True)
    assert response.redirect_chain == [(page_url(proposal), 302)]
    assert f"Cancelled: nothing from {NAME} was imported." in visible(response)
    assert counts() == before
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.CANCELLED and bytes(review_import.data) == b""
    assert "Cancelled" in visible(response)
    # Decided: Apply now refuses, and creates nothing.
    refused = client.post(reverse("import_apply", args=[proposal.pk, review_import.pk]), follow=True)
    assert refused.redirect_chain == [(page_url(proposal), 302)]
    assert "This file was already cancelled." in visible(refused)
    assert counts() == before


def test_it_applies_a_file_once(client, team, reviewed, owner):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    apply = reverse("import_apply", args=[proposal.pk, review_import.pk])
    assert client.post(apply).status_code == 302
    after = counts()
    second = client.post(apply, follow=True)
    assert second.redirect_chain == [(page_url(proposal), 302)]
    assert "This file was already applied." in visible(second)
    assert counts() == after
    # Its preview is gone: the page of imports says what became of it.
    shown = client.get(reverse("import_preview", args=[proposal.pk, review_import.pk]), follow=True)
    assert shown.redirect_chain == [(page_url(proposal), 302)]
    assert f"{NAME} was applied." in visible(shown)
    # Cancelling it now changes nothing either.
    cancelled = client.post(reverse("import_cancel", args=[proposal.pk, review_import.pk]), follow=True)
    assert "This file was already applied." in visible(cancelled)
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.APPLIED
    # The same file uploaded again brings nothing new.
    again = post_file(client, proposal, reviewed)
    assert again.status_code == 200
    assert "This file brings nothing new." in visible(again)
    assert 'disabled>Apply: create 0 items' in again.content.decode()


def test_it_keeps_each_proposal_s_imports_to_itself(client, team, reviewed, owner):
    proposal, *_ = team
    other = writing.proposal_create(title="Another", created_by=owner)
    client.force_login(owner)
    theirs = previewed(client, proposal, reviewed)
    for action in ("import_apply", "import_cancel"):
        assert client.post(reverse(action, args=[other.pk, theirs.pk])).status_code == 404
    assert client.get(reverse("import_preview", args=[other.pk, theirs.pk])).status_code == 404
    assert client.post(reverse("import_apply", args=[proposal.pk, theirs.pk + 1000])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReviewImport.Status.PREVIEWED
    assert Suggestion.objects.count() == 0
    assert NAME not in visible(client.get(page_url(other)))


def test_its_forms_are_protected_from_forgery(team, reviewed, owner):
    proposal, *_ = team
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(page_url(proposal), {"file": upload(reviewed)}).status_code == 403
    assert not ReviewImport.objects.exists()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                      client.get(page_url(proposal)).content.decode()).group(1)
    response = client.post(page_url(proposal), {"file": upload(reviewed), "csrfmiddlewaretoken": token},
                           follow=True)
    assert response.status_code == 200
    review_import = ReviewImport.objects.get()
    assert client.post(reverse("import_apply", args=[proposal.pk, review_import.pk])).status_code == 403
    assert client.post(reverse("import_cancel", args=[proposal.pk, review_import.pk])).status_code == 403
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.PREVIEWED
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    applied = client.post(reverse("import_apply", args=[proposal.pk, review_import.pk]),
                          {"csrfmiddlewaretoken": token})
    assert applied.status_code == 302
    review_import.refresh_from_db()
    assert review_import.status == ReviewImport.Status.APPLIED


def test_it_finds_nothing_new_in_a_copy_exported_after_an_import(client, team, reviewer, owner):
    """Word dates a reply by the reviewer's clock, which may be before the thread was opened
    here. Imported, the reply must not become the thread's opening comment: the next review
    copy would carry it as the comment, and that copy, back unchanged, would make a second
    thread."""
    proposal, tasks, asked, broad = team
    asked.comments.update(created_at=datetime(2026, 11, 21, tzinfo=timezone.utc))  # after the reply's Word date
    word = Reviewer(exported(proposal))
    word.reply("Which data?", DANA, "And claims data.")  # dated 2026-11-20T10:00:00Z
    client.force_login(owner)
    review_import = previewed(client, proposal, word.save())
    client.post(reverse("import_apply", args=[proposal.pk, review_import.pk]))
    assert asked.comments.count() == 2
    before = counts()

    again = post_file(client, proposal, exported(proposal), name="next-round.docx")
    assert again.status_code == 200
    assert "This file brings nothing new." in visible(again), visible(again)
    client.post(reverse("import_apply", args=[proposal.pk, ReviewImport.objects.get(file_name="next-round.docx").pk]))
    assert counts() == before


# --- bad files ------------------------------------------------------------------------------

BAD = {
    "pdf": (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", "reviewed.pdf",
            f"This is a PDF. {SEND_DOCX}"),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096), "reviewed.docx",
            "This is an old Word file (.doc). Open it in Word, save it as a Word Document (.docx), and upload that."),
    "text": (b"Analyze clinical data to improve care.\n", "reviewed.docx", f"This is not a Word document. {SEND_DOCX}"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_it_refuses_a_file_that_is_not_a_docx_saying_why(client, team, owner, kind):
    proposal, *_ = team
    data, name, message = BAD[kind]
    client.force_login(owner)
    before = counts()
    response = post_file(client, proposal, data, name)
    assert response.status_code == 400
    text = visible(response)
    assert message in text
    assert "Match by text only" not in text
    assert '<div id="id_file_errors" class="alert alert-danger" role="alert">' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ReviewImport.objects.exists() and counts() == before


def test_it_refuses_an_empty_upload_and_no_file(client, team, owner):
    proposal, *_ = team
    client.force_login(owner)
    empty = post_file(client, proposal, b"")
    assert empty.status_code == 400
    assert "The file is empty." in visible(empty)
    nothing = client.post(page_url(proposal), {})
    assert nothing.status_code == 400
    assert "Choose the reviewed Word file to import." in visible(nothing)
    assert not ReviewImport.objects.exists()


def test_it_offers_text_matching_for_another_proposal_s_file_and_keeps_the_choice(client, team, reviewed, owner):
    proposal, *_ = team
    other = writing.proposal_create(title="Another", created_by=owner)
    client.force_login(owner)
    refused = post_file(client, other, reviewed)
    assert refused.status_code == 400
    text, content = visible(refused), refused.content.decode()
    assert "This file is not an export of this proposal. It was exported from another proposal" in text
    assert f"It was exported from another proposal (“{proposal.slug}”)" in text
    assert "choose it again, tick “Match by text only” and preview it" in text
    assert '<label class="form-check-label" for="id_text_matching">Match by text only</label>' in content
    assert re.search(r'<input class="form-check-input" type="checkbox" name="text_matching" id="id_text_matching"'
                     r'[^>]*>', content).group(0).endswith('aria-describedby="id_text_matching_help">')  # not ticked
    assert not ReviewImport.objects.exists()

    # The person insists: the box stays ticked when the file is refused for another reason,
    kept = post_file(client, other, BAD["pdf"][0], "reviewed.pdf", text_matching="on")
    assert kept.status_code == 400
    assert "This is a PDF." in visible(kept)
    assert re.search(r'name="text_matching" id="id_text_matching"[^>]* checked>', kept.content.decode())
    # and the file is previewed, matched by its text, when it is the right one.
    insisted = post_file(client, other, reviewed, text_matching="on")
    assert insisted.status_code == 200
    assert "matched by text only" in visible(insisted)
    review_import = ReviewImport.objects.get()
    assert review_import.proposal == other and review_import.text_matching


# --- a long proposal ---------------------------------------------------------------------------

def test_it_previews_a_long_proposal_in_a_few_queries(client, proposal, owner, django_assert_max_num_queries):
    """200 entries and a dozen open threads: the preview reads each kind of entry now and as
    exported (about 40 queries), not each thread's first author one by one."""
    fill_proposal(proposal, owner, 200)
    tasks = list(Task.objects.filter(proposal=proposal).order_by("position")[:12])
    for task in tasks:  # threads in the proposal, which the file may answer or resolve (a dozen)
        review.thread_start(proposal=proposal, by=owner, path=f"task:{task.pk}", text=f"About {task.text}?")
    word = Reviewer(exported(proposal))
    word.insert(f"task:{tasks[0].pk}.text", "task text", " (revised)", DANA)
    word.delete(f"task:{tasks[1].pk}.text", " text", "Owner Tester")
    word.comment(f"task:{tasks[2].pk}.text", "task", DANA, "Which task?")
    word.reply(f"About {tasks[0].text}?", DANA, "Yes.")
    word.resolve(f"About {tasks[1].text}?")
    data = word.save(last_modified_by=DANA)
    client.force_login(owner)
    # A query or two per kind of entry (now and as exported), whatever the proposal's length.
    # The upload reads and plans the file (to refuse it at once if it must); the preview it
    # redirects to is drawn from what that stored (48 queries in all, measured).
    with django_assert_max_num_queries(55) as captured:
        response = post_file(client, proposal, data)
    assert response.status_code == 200, visible(response)
    assert "Apply: create 5 items" in visible(response)
    print(f"\npreview of a 200-entry proposal: {len(captured.captured_queries)} queries")


# --- several files at once ------------------------------------------------------------------------


def test_it_previews_several_files_at_once_and_applies_them_all(client, team, reviewed, owner, reviewer):
    """A coordinator drops every file the reviewers sent back: each is previewed, the bad
    one is refused by name, and "Apply all" brings in the rest one after the other."""
    proposal, tasks, *_ = team
    second = Reviewer(exported(proposal))
    second.insert(f"task:{tasks[2].pk}.text", "Train", " and coach", "Pat Elsewhere")
    client.force_login(owner)
    response = client.post(page_url(proposal), {"file": [upload(reviewed, "dana.docx"),
                                                         upload(second.save(), "pat.docx"),
                                                         upload(b"%PDF-1.7 not a docx", "scan.pdf")]},
                           follow=True)
    assert response.redirect_chain == [(page_url(proposal), 302)]
    text = visible(response)
    assert "scan.pdf: This is a PDF." in text
    assert "2 files previewed: look at each, or apply them all." in text
    assert "5 to create" in text and "1 to create" in text
    assert ReviewImport.objects.filter(status=ReviewImport.Status.PREVIEWED).count() == 2
    assert Suggestion.objects.count() == 0

    applied = client.post(reverse("import_apply_all", args=[proposal.pk]), follow=True)
    assert applied.redirect_chain == [(reverse("proposal_detail", args=[proposal.pk]), 302)]
    assert "Imported dana.docx (2 suggestions, 1 new thread, 1 reply to a thread, 1 thread resolved); " \
           "pat.docx (1 suggestion, 0 new threads)." in visible(applied)
    assert set(ReviewImport.objects.values_list("status", flat=True)) == {ReviewImport.Status.APPLIED}
    assert Suggestion.objects.filter(author_name="Pat Elsewhere", replacement=" and coach").exists()


def test_it_lets_only_editors_and_coordinators_apply_all(client, team, reviewed, owner, reviewer):
    proposal, *_ = team
    client.force_login(owner)
    previewed(client, proposal, reviewed)
    client.force_login(reviewer)
    assert client.post(reverse("import_apply_all", args=[proposal.pk])).status_code == 403
    assert ReviewImport.objects.get().status == ReviewImport.Status.PREVIEWED


# --- broken files: a message naming the file, nothing created, never a 500 ---------------

RESAVE = "Open it in Word, save it again as a Word Document (.docx), and upload that."
BROKEN = {
    "truncated": (broken.truncated, f"{NAME}: This Word file is damaged and cannot be read. {RESAVE}"),
    "broken XML": (broken.broken_xml, f"{NAME}: This Word file is damaged: its part word/document.xml is not "
                                      f"valid XML. {RESAVE}"),
    "no main part": (broken.without_main_part, f"{NAME}: This Word file is damaged: its main text "
                                               f"(word/document.xml) is missing. {RESAVE}"),
    "Strict": (broken.strict, f"{NAME}: This file is saved as “Strict Open XML Document”, which the import cannot "
                              "read. In Word, choose File > Save As, pick “Word Document (.docx)”, and upload that."),
    "renamed": (broken.main_part_renamed, f"{NAME}: This Word file keeps its main text in word/main.xml, not in "
                                          f"word/document.xml, so the import cannot read it. {RESAVE}"),
    "reply without id": (lambda data: broken.reply_without_id(data, "Patient records."),
                         f"{NAME}: The import could not read this file, so nothing was created. {RESAVE}"),
}


@pytest.fixture
def answered(team, editor):
    """The review copy with an exported reply in it."""
    proposal, tasks, asked, broad = team
    review.comment_add(thread=asked, by=editor, text="Patient records.")
    return exported(proposal)


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_it_refuses_a_broken_file_by_its_name_creating_nothing(client, team, answered, owner, kind, caplog):
    proposal, *_ = team
    make, message = BROKEN[kind]
    data = make(answered)
    client.force_login(owner)
    before = counts()
    response = post_file(client, proposal, data)
    assert response.status_code == 400
    assert message in visible(response)
    assert not ReviewImport.objects.exists() and counts() == before
    if kind == "reply without id":
        fingerprint = hashlib.sha256(data).hexdigest()
        assert f"the file's fingerprint is {fingerprint[:12]}" in visible(response)
        [record] = [record for record in caplog.records if record.name == "documents.services"]
        logged = record.getMessage()
        assert f"sha256={fingerprint}" in logged and "error=AttributeError" in logged
        assert "Patient records" not in logged and "Which data" not in logged and "clinical" not in logged


def test_it_takes_each_file_of_several_on_its_own(client, team, reviewed, answered, owner):
    proposal, *_ = team
    client.force_login(owner)
    files = [upload(reviewed, "dana.docx"), upload(broken.strict(answered), "strict.docx"),
             upload(broken.reply_without_id(answered, "Patient records."), "odd.docx")]
    response = client.post(page_url(proposal), {"file": files}, follow=True)
    assert response.status_code == 200
    text = visible(response)
    assert "strict.docx: This file is saved as “Strict Open XML Document”" in text
    assert "odd.docx: The import could not read this file, so nothing was created." in text
    assert "1 file previewed" in text
    assert list(ReviewImport.objects.values_list("file_name", flat=True)) == ["dana.docx"]


def test_the_command_says_what_is_wrong_and_fails(team, answered, owner, tmp_path):
    from django.core.management import CommandError, call_command

    proposal, *_ = team
    for name, data in (("strict.docx", broken.strict(answered)),
                       ("odd.docx", broken.reply_without_id(answered, "Patient records."))):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CommandError) as error:
            call_command("import_review", proposal.pk, str(path), "--as", owner.username)
        assert str(error.value).startswith(f"{name}: ")
    assert not ReviewImport.objects.exists()


@st.composite
def damage(draw):
    """Up to eight changes to a review copy's parts, as a damaged file or another client
    might have them: elements dropped or moved, attributes dropped or given odd values."""
    part = draw(st.sampled_from(["word/document.xml", "word/comments.xml", "word/commentsExtended.xml",
                                 "docProps/custom.xml", "word/_rels/document.xml.rels"]))
    changes = draw(st.lists(st.tuples(st.sampled_from(["drop", "move", "unset", "set"]), st.integers(0, 10**6),
                                      st.integers(0, 10**6), st.sampled_from(["", "-1", "x", "99999999999", "0",
                                                                               "2026-13-45T99:00:00Z"])),
                            min_size=1, max_size=8))
    return part, changes


def damaged(data: bytes, part: str, changes) -> bytes:
    parts = broken.parts_of(data)
    root = etree.fromstring(parts[part])
    for what, one, other, value in changes:
        elements = list(root.iter())
        element, target = elements[one % len(elements)], elements[other % len(elements)]
        attributes = sorted(element.attrib)
        if what == "drop" and element.getparent() is not None:
            element.getparent().remove(element)
        elif what == "move" and element.getparent() is not None and element not in list(target.iterancestors()) \
                and element is not target:
            target.append(element)
        elif what == "unset" and attributes:
            del element.attrib[attributes[other % len(attributes)]]
        elif what == "set" and attributes:
            element.set(attributes[other % len(attributes)], value)
    parts[part] = etree.tostring(root)
    return broken.zipped(parts)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(change=damage())
def test_it_previews_or_refuses_any_damaged_copy_never_failing(team, answered, owner, change):
    proposal, *_ = team
    data = damaged(answered, *change)
    client = Client()
    client.force_login(owner)
    before = counts()
    response = post_file(client, proposal, data)
    assert response.status_code in (200, 400)
    assert counts() == before


# --- the preview, kept: a GET reads no file ---------------------------------------------------

def test_it_draws_the_preview_from_what_was_stored_with_the_file_gone(client, team, reviewed, owner, monkeypatch,
                                                                       django_assert_max_num_queries):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    url = reverse("import_preview", args=[proposal.pk, review_import.pk])
    first = visible(client.get(url))
    ReviewImport.objects.filter(pk=review_import.pk).update(data=b"")  # its bytes gone: nothing to read
    parsed = []
    real = etree.fromstring
    monkeypatch.setattr(etree, "fromstring", lambda *args, **kwargs: parsed.append(1) or real(*args, **kwargs))
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.status_code == 200
    assert visible(response) == first and parsed == []
    for words in ("Applying creates 5 items, by Dana Outside, Reviewer Tester.", "Which journals?",
                  "Dana Outside not a member", "JAMIA, mostly.", "Reply in the thread “Which data?”: And claims data.",
                  "Resolved in the file: the thread “Too broad?” will be resolved", "inserted: and interpret",
                  "Apply: create 5 items"):
        assert words in first


def test_it_shows_a_long_preview_a_page_at_a_time(client, proposal, owner, monkeypatch):
    from documents import preview

    tasks = [writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=f"A task, the {n}th.", by=owner)
             for n in range(25)]
    word = Reviewer(exported(proposal))
    for number, task in enumerate(tasks):
        word.comment(f"task:{task.pk}.text", "task", DANA, f"Question number {number}?")
    data = word.save(last_modified_by=DANA)
    client.force_login(owner)
    monkeypatch.setattr(preview, "ROWS_PER_PAGE", 10)
    review_import = previewed(client, proposal, data)
    url = reverse("import_preview", args=[proposal.pk, review_import.pk])
    pages = [visible(client.get(url, {"page": number})) for number in (1, 2, 3)]
    beyond, junk = visible(client.get(url, {"page": 99})), visible(client.get(url, {"page": "x"}))
    assert "Rows 1–10 of 25." in pages[0] and "Rows 21–25 of 25." in pages[2]
    shown = [[number for number in range(25) if f"Question number {number}?" in page] for page in pages]
    assert shown == [list(range(10)), list(range(10, 20)), list(range(20, 25))]
    assert "Applying creates 25 items" in pages[2]  # the counts are the whole file's on every page
    assert beyond == pages[2] and junk == pages[0]
    html = client.get(url, {"page": 2}).content.decode()
    assert '<nav aria-label="Pages of the preview">' in html and '<span class="page-link" aria-current="page">2</span>' in html


def test_it_stores_the_preview_of_an_import_previewed_before_previews_were_kept(client, team, reviewed, owner):
    proposal, *_ = team
    client.force_login(owner)
    review_import = previewed(client, proposal, reviewed)
    stored = ReviewImport.objects.get(pk=review_import.pk).preview
    ReviewImport.objects.filter(pk=review_import.pk).update(preview={})
    response = client.get(reverse("import_preview", args=[proposal.pk, review_import.pk]))
    assert response.status_code == 200 and "Apply: create 5 items" in visible(response)
    assert ReviewImport.objects.get(pk=review_import.pk).preview == stored

"""Export to Word from the proposal page: the choice page and the streamed download, for
an owner, a member and an outsider."""

import io
import zipfile

import docx
import pytest
from django.urls import reverse

from comments import services as review

from comments import suggesting
from occupations import services
from occupations.kinds import kind_for
from occupations.sample import fill_proposal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                                 text="Analyze and interpret clinical data.", by=owner)


@pytest.fixture
def reviewed(proposal, task, reviewer, owner):
    """One open thread with a reply, one resolved thread, one open suggestion."""
    start = task.text.find("clinical")
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text",
                                 text="Which data?", start=start, end=start + 8, quote="clinical")
    review.comment_add(thread=thread, by=owner, text="Patient records.")
    done = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}", text="Typo fixed?")
    review.thread_resolve(thread=done, by=reviewer)
    suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text", start=0, end=7,
                              replacement="Study")
    return proposal


def download(client, proposal, **params):
    return client.get(reverse("export_word", args=[proposal.pk]), params)


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def comment_count(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if "word/comments.xml" not in package.namelist():
            return 0
        return package.read("word/comments.xml").count(b"<w:comment ")


def test_it_is_for_members_only(client, proposal, outsider):
    page, word = reverse("export_page", args=[proposal.pk]), reverse("export_word", args=[proposal.pk])
    assert client.get(page).status_code == 302
    assert client.get(word).status_code == 302
    client.force_login(outsider)
    assert client.get(page).status_code == 404
    assert client.get(word, {"copy": "submission"}).status_code == 404


def test_it_lets_an_observer_download_both_copies(client, reviewed, observer):
    client.force_login(observer)
    clean = download(client, reviewed, copy="submission")
    assert clean.status_code == 200
    assert clean["Content-Type"] == DOCX
    assert clean["Content-Disposition"] == f'attachment; filename="{reviewed.slug}.docx"'
    data = body(clean)
    assert docx.Document(io.BytesIO(data)).paragraphs[0].text == reviewed.title
    assert comment_count(data) == 0

    copy = download(client, reviewed, copy="review")
    assert copy.status_code == 200
    assert copy["Content-Disposition"] == f'attachment; filename="{reviewed.slug}-review-copy.docx"'
    # The open thread and its reply; not the resolved thread.
    assert comment_count(body(copy)) == 2


def test_it_adds_resolved_threads_only_when_asked(client, reviewed, owner):
    client.force_login(owner)
    assert comment_count(body(download(client, reviewed, copy="review", resolved="on"))) == 3
    # Ticked and then the submission document chosen: the box means nothing there.
    data = body(download(client, reviewed, copy="submission", resolved="on"))
    assert comment_count(data) == 0


def test_it_shows_what_each_copy_carries(client, reviewed, owner):
    client.force_login(owner)
    response = client.get(reverse("export_page", args=[reviewed.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Not in it:" in text and "1 open suggestion and 1 open thread" in text
    assert "It carries 1 open thread and 1 open suggestion." in text
    assert "Include resolved threads, marked done (1)" in text
    assert f'action="{reverse("export_word", args=[reviewed.pk])}"' in text


def test_it_refuses_an_unknown_copy_with_a_message(client, proposal, owner):
    client.force_login(owner)
    response = download(client, proposal, copy="pdf")
    assert response.status_code == 400
    assert "Choose the submission document or the review copy." in response.content.decode()
    assert download(client, proposal).status_code == 400


def test_it_links_the_export_from_the_proposal_page(client, proposal, observer):
    client.force_login(observer)
    response = client.get(reverse("proposal_detail", args=[proposal.pk]))
    assert f'href="{reverse("export_page", args=[proposal.pk])}">Export to Word</a>' in response.content.decode()


def test_it_reads_a_long_proposal_in_a_few_queries(client, proposal, owner, django_assert_max_num_queries):
    fill_proposal(proposal, owner, 300)
    client.force_login(owner)
    with django_assert_max_num_queries(30):
        response = download(client, proposal, copy="review")
        data = body(response)
    document = docx.Document(io.BytesIO(data))
    assert len(document.paragraphs) > 150

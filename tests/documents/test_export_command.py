"""manage.py export_docx PROPOSAL_ID --out FILE [--review] [--include-resolved]."""

import io

import pytest
from django.core.management import CommandError, call_command

from comments import services as review
from documents.export import export_docx
from occupations import services
from occupations.kinds import kind_for
from occupations.models import Proposal
from tests.documents.docx_reading import Docx

TEXT = "Analyze and interpret clinical data to improve health systems services."


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)


@pytest.fixture
def threads(proposal, task, reviewer, editor):
    path = f"task:{task.pk}.text"
    open_thread = review.thread_start(proposal=proposal, by=reviewer, path=path, text="Which data?",
                                      start=TEXT.index("clinical data"), end=TEXT.index("clinical data") + 13)
    resolved = review.thread_start(proposal=proposal, by=reviewer, path=path, text="Which systems?")
    review.thread_resolve(thread=resolved, by=editor)
    return open_thread, resolved


def run(*args) -> str:
    out = io.StringIO()
    call_command("export_docx", *map(str, args), stdout=out)
    return out.getvalue()


def stored(proposal):
    """The proposal as the command reads it: its time moved by every write since the fixture."""
    return Proposal.objects.get(pk=proposal.pk)


def test_it_writes_the_submission_document(proposal, task, threads, tmp_path):
    target = tmp_path / "proposal.docx"
    said = run(proposal.pk, "--out", target)
    docx = Docx(target.read_bytes())
    assert docx.python_docx.paragraphs[0].text == "Health Informatics Occupations"
    assert any(paragraph.text == TEXT for paragraph in docx.python_docx.paragraphs)
    assert docx.comments() == [] and "word/comments.xml" not in docx.names
    assert target.read_bytes() == export_docx(stored(proposal)).read()
    assert "submission document" in said and str(target) in said
    assert list(tmp_path.iterdir()) == [target]  # no partial file left behind


def test_it_writes_the_review_copy_with_resolved_threads_when_asked(proposal, task, threads, tmp_path):
    target = tmp_path / "review.docx"
    said = run(proposal.pk, "--out", target, "--review")
    docx = Docx(target.read_bytes())
    assert [thread.text for thread in docx.threads()] == ["Which data?"]
    assert "review copy" in said

    run(proposal.pk, "--out", target, "--review", "--include-resolved")
    docx = Docx(target.read_bytes())
    found = {thread.text: thread.done for thread in docx.threads()}
    assert found == {"Which data?": False, "Which systems?": True}
    assert target.read_bytes() == export_docx(stored(proposal), review=True, include_resolved=True).read()


def test_it_refuses_resolved_threads_without_the_review_copy(proposal, tmp_path):
    target = tmp_path / "proposal.docx"
    with pytest.raises(CommandError, match="--review"):
        run(proposal.pk, "--out", target, "--include-resolved")
    assert not target.exists()


def test_it_says_when_there_is_no_such_proposal(db, tmp_path):
    target = tmp_path / "proposal.docx"
    with pytest.raises(CommandError, match="There is no proposal 9999"):
        run(9999, "--out", target)
    assert list(tmp_path.iterdir()) == []


def test_it_names_the_file_after_the_proposal_in_a_folder(proposal, task, threads, tmp_path):
    run(proposal.pk, "--out", tmp_path)
    run(proposal.pk, "--out", tmp_path, "--review")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        f"{proposal.slug}-review-copy.docx", f"{proposal.slug}.docx"]
    assert proposal.slug == "health-informatics-occupations"
    assert Docx((tmp_path / f"{proposal.slug}-review-copy.docx").read_bytes()).threads()
    assert not Docx((tmp_path / f"{proposal.slug}.docx").read_bytes()).threads()


def test_it_says_when_the_folder_is_missing(proposal, tmp_path):
    with pytest.raises(CommandError, match="There is no folder"):
        run(proposal.pk, "--out", tmp_path / "missing" / "proposal.docx")


def test_it_writes_to_standard_output(proposal, task, capsysbinary):
    call_command("export_docx", str(proposal.pk), "--out", "-")
    data = capsysbinary.readouterr().out
    assert data == export_docx(stored(proposal)).read()
    assert Docx(data).python_docx.paragraphs[0].text == "Health Informatics Occupations"

"""What an upload may cost: imports per person per hour, previews waiting per person and
per proposal, files per request, the request's size (413, unread), and stale previews:
not counted, not applied by "Apply all", cleared by `manage.py clear_stale_imports`."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.models import Suggestion
from documents import services
from documents.export import export_docx
from documents.models import ReviewImport
from occupations import services as writing
from occupations.kinds import kind_for
from occupations.models import Proposal
from tests.documents.reviewing import Reviewer

MB = 1024 * 1024


@pytest.fixture
def reviewed(proposal, owner):
    """A reviewed copy bringing one suggestion."""
    task = writing.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze clinical data.", by=owner)
    word = Reviewer(export_docx(Proposal.objects.get(pk=proposal.pk), review=True).read())
    word.insert(f"task:{task.pk}.text", "Analyze", " and interpret", "Dana Outside")
    return word.save(last_modified_by="Dana Outside")


def preview(proposal, user, data, name="reviewed.docx"):
    return services.review_import_preview(proposal=proposal, by=user, data=data, name=name)


def code_of(error) -> str:
    return error.value.code


def aged(hours: float, **filters) -> None:
    ReviewImport.objects.filter(**filters).update(created_at=timezone.now() - timedelta(hours=hours))


def test_it_caps_the_imports_one_person_makes_in_an_hour(settings, proposal, owner, editor, reviewed):
    settings.IMPORTS_PER_USER_PER_HOUR = 3
    for _ in range(3):
        review_import, _ = preview(proposal, owner, reviewed)
        services.review_import_cancel(review_import=review_import, by=owner)
    with pytest.raises(ValidationError) as error:
        preview(proposal, owner, reviewed)
    assert code_of(error) == "hourly_limit"
    assert error.value.message.startswith("You have imported 3 files in the last hour, the most allowed. "
                                          "You can import again at ")
    assert ReviewImport.objects.count() == 3
    preview(proposal, editor, reviewed)  # another person is not held up
    aged(1.01, uploaded_by=owner)  # an hour on, the owner may again
    preview(proposal, owner, reviewed)


def test_it_caps_the_previews_waiting_per_person_and_per_proposal(settings, proposal, owner, editor, reviewed):
    settings.IMPORT_PREVIEWS_PER_USER, settings.IMPORT_PREVIEWS_PER_PROPOSAL = 2, 3
    preview(proposal, owner, reviewed)
    preview(proposal, owner, reviewed)
    with pytest.raises(ValidationError) as error:
        preview(proposal, owner, reviewed)
    assert code_of(error) == "previews_per_user" and "You have 2 previews waiting" in error.value.message
    preview(proposal, editor, reviewed)
    with pytest.raises(ValidationError) as error:
        preview(proposal, editor, reviewed)
    assert code_of(error) == "previews_per_proposal" and "This proposal has 3 previews waiting" in error.value.message
    first = ReviewImport.objects.filter(uploaded_by=owner).first()
    services.review_import_cancel(review_import=first, by=owner)  # deciding one makes room
    preview(proposal, owner, reviewed)


def test_a_stale_preview_is_not_counted_and_gives_its_file_up(settings, proposal, owner, reviewed):
    settings.IMPORT_PREVIEWS_PER_USER = 1
    old, _ = preview(proposal, owner, reviewed, name="old.docx")
    aged(settings.IMPORT_STALE_HOURS + 1, pk=old.pk)
    preview(proposal, owner, reviewed, name="fresh.docx")  # the stale one is not counted...
    old.refresh_from_db()
    assert (old.status, bytes(old.data)) == (ReviewImport.Status.CANCELLED, b"")  # ...and is cleared


def test_apply_all_leaves_a_stale_preview(settings, client, proposal, owner, reviewed):
    old, _ = preview(proposal, owner, reviewed, name="old.docx")
    fresh, _ = preview(proposal, owner, reviewed, name="fresh.docx")
    aged(settings.IMPORT_STALE_HOURS + 1, pk=old.pk)
    client.force_login(owner)
    page = client.get(reverse("import_page", args=[proposal.pk])).content.decode()
    assert "Apply all 1 previewed file" in page and "stale: upload it again to import it" in page
    client.post(reverse("import_apply_all", args=[proposal.pk]))
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert (fresh.status, old.status) == (ReviewImport.Status.APPLIED, ReviewImport.Status.PREVIEWED)
    assert Suggestion.objects.count() == 1


def test_the_stale_command_clears_old_previews_and_their_files(settings, proposal, owner, reviewed):
    kept, _ = preview(proposal, owner, reviewed)
    old, _ = preview(proposal, owner, reviewed)
    older, _ = preview(proposal, owner, reviewed)
    applied, _ = preview(proposal, owner, reviewed)
    services.review_import_apply(review_import=applied, by=owner)
    aged(3, pk=old.pk)
    aged(settings.IMPORT_STALE_HOURS + 1, pk__in=[older.pk, applied.pk])
    out = io.StringIO()
    call_command("clear_stale_imports", stdout=out)
    assert out.getvalue() == f"Cleared 1 stale preview (older than {settings.IMPORT_STALE_HOURS} hours).\n"
    out = io.StringIO()
    call_command("clear_stale_imports", "--older-than", "2", stdout=out)
    assert out.getvalue() == "Cleared 1 stale preview (older than 2 hours).\n"
    states = {item.pk: (item.status, bytes(item.data), item.preview) for item in ReviewImport.objects.all()}
    assert states[older.pk] == states[old.pk] == (ReviewImport.Status.CANCELLED, b"", {})
    assert states[kept.pk][0] == ReviewImport.Status.PREVIEWED and states[kept.pk][1] == reviewed
    assert states[applied.pk][0] == ReviewImport.Status.APPLIED
    with pytest.raises(CommandError):
        call_command("clear_stale_imports", "--older-than", "-1")


def test_it_answers_a_body_past_the_limit_413_without_reading_it(client, proposal, owner, settings):
    client.force_login(owner)
    url = reverse("import_page", args=[proposal.pk])
    body = b"x" * 1024
    # The length a client says it sends; the server must not wait for (nor read) 100 MB.
    response = client.generic("POST", url, body, content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(100 * MB))
    assert response.status_code == 413
    text = response.content.decode()
    assert "This upload is 100.0 MB; the most one upload may be is 84 MB (4 files of up to 20 MB each)." in text
    assert settings.REQUEST_MAX_BYTES == 84 * MB
    assert not ReviewImport.objects.exists()


def test_it_refuses_more_files_than_a_form_takes_saying_so(client, proposal, owner, reviewed):
    client.force_login(owner)
    files = [SimpleUploadedFile(f"r{n}.docx", reviewed) for n in range(5)]
    response = client.post(reverse("import_page", args=[proposal.pk]), {"file": files})
    assert response.status_code == 400
    assert "Choose at most 4 files at a time; upload the rest afterwards." in response.content.decode()
    assert not ReviewImport.objects.exists()
    four = client.post(reverse("import_page", args=[proposal.pk]),
                       {"file": [SimpleUploadedFile(f"r{n}.docx", reviewed) for n in range(4)]})
    assert four.status_code == 302 and ReviewImport.objects.count() == 4


def test_the_limits_still_check_the_csrf_token(proposal, owner, reviewed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("import_page", args=[proposal.pk]),
                           {"file": SimpleUploadedFile("r.docx", reviewed)})
    assert response.status_code == 403
    assert not ReviewImport.objects.exists()

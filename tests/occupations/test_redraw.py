"""A save answers htmx with the part of the page it changed: an entry's edit or addition
is that entry's row, drawn with the notes about it; whatever else must change with it
(a note now detached, an entry moved to another list) gets the whole document."""

import pytest
from django.urls import reverse

from comments import services as review
from occupations import services
from occupations.kinds import kind_for
from occupations.models import OccupationGroup, Proposal

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(proposal, owner, kind="task", count=1, **values):
    made = []
    for number in range(count):
        text = values.get("text", f"Task number {number}.")
        made.append(services.entry_create(entry_kind=kind_for(kind), proposal=proposal, by=owner,
                                          **{**values, "text": text} if kind == "task" else values))
    return made


def edit(client, entry, kind="task", **values):
    url = reverse("entry_edit", args=[entry.proposal_id, kind, entry.pk]) + "?wrap=li"
    return client.post(url, {"version": entry.version, **values}, **HTMX)


def test_it_answers_an_edit_with_the_entry_alone(client, proposal, owner, editor, reviewer):
    first, second = add(proposal, owner, count=2)
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{first.pk}.text",
                                 text="Which numbers?", start=0, end=4, quote="Task")
    elsewhere = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{second.pk}", text="Elsewhere")
    client.force_login(editor)
    response = edit(client, first, text="Task number zero, in full.")
    html = response.content.decode()
    assert response.status_code == 200
    assert not response.has_header("HX-Retarget")  # in place of the form
    assert html.startswith(f'<li id="task-{first.pk}" class="editable')
    assert "number zero, in full." in html
    assert f'id="thread-{thread.pk}"' in html and "Which numbers?" in html  # its card, beside it
    assert "<mark" in html  # its span still marked
    assert f"thread-{elsewhere.pk}" not in html and 'id="document"' not in html
    assert ">Edit</a>" in html  # the editor's tools on it
    assert '"saved"' in response["HX-Trigger"]


@pytest.mark.parametrize("size", [10, 300])
def test_its_queries_do_not_grow_with_the_proposal(client, proposal, owner, editor, reviewer, size,
                                                   django_assert_max_num_queries):
    entries = add(proposal, owner, count=size)
    for entry in entries[::3]:
        review.thread_start(proposal=proposal, by=reviewer, path=f"task:{entry.pk}", text="A note.")
    client.force_login(editor)
    # the session, the user, the membership, the save (read, claim, write, history, the
    # counter and what it changed, its notes' anchors), the row's notes and the open rating
    # rounds: the same at any size
    with django_assert_max_num_queries(20):
        response = edit(client, entries[0], text="Changed.")
    assert response.status_code == 200 and not response.has_header("HX-Retarget")


def test_an_entry_moved_to_another_group_redraws_the_document(client, proposal, owner, editor):
    group = OccupationGroup.objects.create(proposal=proposal, level="detailed", title="Informaticists")
    task, = add(proposal, owner)
    client.force_login(editor)
    response = edit(client, task, text=task.text, group=group.pk)
    assert response["HX-Retarget"] == "#document"
    assert response.content.decode().startswith('<article id="document"')


def test_an_edit_that_detaches_a_note_redraws_the_document(client, proposal, owner, editor, reviewer):
    task, = add(proposal, owner, text="Analyze and interpret data.")
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text",
                                 text="Interpret how?", start=12, end=21, quote="interpret")
    client.force_login(editor)
    response = edit(client, task, text="Write reports.")
    thread.refresh_from_db()
    assert thread.is_detached
    assert response["HX-Retarget"] == "#document"
    assert "Comments and suggestions whose text is gone" in response.content.decode()


def test_a_table_row_is_answered_alone_until_it_has_notes(client, proposal, owner, editor, reviewer):
    figure, = add(proposal, owner, kind="workforce_figure", description="Employment", number=38100,
                  year=2025, source="BLS")
    client.force_login(editor)
    url = reverse("entry_edit", args=[proposal.pk, "workforce_figure", figure.pk]) + "?wrap=tr"
    values = {"description": "Employment, May 2025", "number": 38100, "year": 2025, "source": "BLS",
              "citation": ""}
    response = client.post(url, {"version": 1, **values}, **HTMX)
    assert response.content.decode().startswith(f'<tr id="workforce_figure-{figure.pk}" class="editable')
    assert "38,100" in response.content.decode()
    review.thread_start(proposal=proposal, by=reviewer, path=f"workforce_figure:{figure.pk}", text="Source?")
    again = client.post(url, {"version": 2, **values, "source": "BLS OEWS"}, **HTMX)
    assert again["HX-Retarget"] == "#document"  # the row's notes sit above the table


def test_it_answers_an_entry_added_to_its_list_with_that_entry(client, proposal, owner, editor):
    add(proposal, owner, count=2)
    client.force_login(editor)
    url = reverse("entry_add", args=[proposal.pk, "task"]) + "?wrap=li"
    response = client.post(url, {"text": "Train clinical staff.", "version": 0}, **HTMX)
    html = response.content.decode()
    assert not response.has_header("HX-Retarget")
    assert html.startswith('<li id="task-') and "Train clinical staff." in html


def test_an_entry_added_from_a_heading_redraws_the_document(client, proposal, editor):
    client.force_login(editor)
    url = reverse("entry_add", args=[proposal.pk, "task"]) + "?wrap=div"
    response = client.post(url, {"text": "The first task.", "version": 0}, **HTMX)
    assert response["HX-Retarget"] == "#document"  # its list was not on the page yet
    assert "The first task." in response.content.decode()


def test_an_entry_added_under_another_choice_redraws_the_document(client, proposal, owner, editor):
    add(proposal, owner, kind="education", category="education", text="A bachelor's degree.")
    client.force_login(editor)
    url = reverse("entry_add", args=[proposal.pk, "education"]) + "?wrap=li&choice=education"
    response = client.post(url, {"text": "A master's degree.", "category": "certification", "version": 0}, **HTMX)
    assert response["HX-Retarget"] == "#document"
    same = client.post(url, {"text": "A licence.", "category": "education", "version": 0}, **HTMX)
    assert not same.has_header("HX-Retarget") and "A licence." in same.content.decode()


def test_a_plain_browser_still_goes_back_to_the_page(client, proposal, owner, editor):
    task, = add(proposal, owner)
    client.force_login(editor)
    url = reverse("entry_edit", args=[proposal.pk, "task", task.pk])
    response = client.post(url, {"version": 1, "text": "Plain."})
    assert response.status_code == 302 and response.url.endswith(f"#task-{task.pk}")


def test_the_answer_says_the_page_is_current_when_it_holds_every_change_since(client, proposal, owner, editor):
    first, second = add(proposal, owner, count=2)
    client.force_login(editor)
    shown = Proposal.objects.get(pk=proposal.pk).change_count
    url = reverse("entry_edit", args=[proposal.pk, "task", first.pk]) + "?wrap=li"
    alone = client.post(url, {"version": 1, "text": "Mine."}, HTTP_HX_REQUEST="true",
                        HTTP_X_PROPOSAL_VERSION=str(shown))
    now = Proposal.objects.get(pk=proposal.pk).change_count
    assert alone["X-Proposal-Version"] == str(now)  # its own change is all there was
    services.object_update(second, values={"text": "Someone else's."}, base_version=1, by=owner)
    behind = client.post(url, {"version": 2, "text": "Mine again."}, HTTP_HX_REQUEST="true",
                         HTTP_X_PROPOSAL_VERSION=str(now))
    assert not behind.has_header("X-Proposal-Version")  # the other change is still to come


def test_a_whole_document_answer_is_at_the_latest_change(client, proposal, owner, editor):
    client.force_login(editor)
    response = client.post(reverse("entry_add", args=[proposal.pk, "task"]) + "?wrap=div",
                           {"text": "First.", "version": 0}, **HTMX)
    now = Proposal.objects.get(pk=proposal.pk).change_count
    assert f'data-version="{now}"' in response.content.decode()

"""Writing on the proposal page: the editing views, with and without htmx."""

import pytest
from django.urls import reverse

from occupations import forms, services
from occupations.kinds import ENTRY_KINDS, kind_for
from occupations.models import Narrative, OccupationGroup
from occupations.entries import EducationRequirement, Task

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                                 text="Analyze and interpret data.", by=owner)


def edit_url(task):
    return reverse("entry_edit", args=[task.proposal_id, "task", task.pk])


def add_url(proposal, kind="task", **query):
    url = reverse("entry_add", args=[proposal.pk, kind])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def texts(proposal):
    return list(Task.objects.filter(proposal=proposal, group=None).order_by("position", "id").values_list("text", flat=True))


# Editing an entry ---------------------------------------------------------------------------

def test_it_saves_an_edit_and_goes_back_to_the_entry_without_javascript(client, task, editor):
    client.force_login(editor)
    response = client.post(edit_url(task), {"text": "Analyze clinical data.", "version": 1})
    assert response.status_code == 302
    assert response.url == f"/proposals/{task.proposal_id}/#task-{task.pk}"
    task.refresh_from_db()
    assert (task.text, task.version) == ("Analyze clinical data.", 2)
    assert task.history.first().history_user == editor


def test_it_answers_htmx_with_the_form_in_place_then_the_redrawn_entry(client, task, editor):
    client.force_login(editor)
    form = client.get(edit_url(task) + "?wrap=li", **HTMX)
    html = form.content.decode()
    assert form.status_code == 200
    assert html.startswith(f'<li id="task-{task.pk}" class="editing"')
    assert "Analyze and interpret data.</textarea>" in html
    assert 'name="version" value="1"' in html
    saved = client.post(edit_url(task) + "?wrap=li", {"text": "Analyze clinical data.", "version": 1}, **HTMX)
    assert saved.status_code == 200
    assert not saved.has_header("HX-Retarget")  # the entry, in place of its form
    assert saved.content.decode().startswith(f'<li id="task-{task.pk}" class="editable')
    assert "Analyze clinical data." in saved.content.decode()


def test_it_keeps_what_was_typed_beside_the_error(client, task, editor):
    client.force_login(editor)
    too_long = "word " * 1200
    response = client.post(edit_url(task), {"text": too_long, "version": 1}, **HTMX)
    html = response.content.decode()
    assert "is 5999 characters long; the limit is 5000" in html
    assert too_long.strip() in html
    empty = client.post(edit_url(task), {"text": " \x00\x0b ", "version": 1}, **HTMX)
    assert "Write the text; it cannot be empty." in empty.content.decode()
    task.refresh_from_db()
    assert (task.text, task.version) == ("Analyze and interpret data.", 1)


def test_it_cleans_pasted_text_before_storing_it(client, task, editor):
    client.force_login(editor)
    client.post(edit_url(task), {"text": "  Pasted\x0bfrom Word\x07\r\nwith\tCRLF \x00", "version": 1})
    task.refresh_from_db()
    assert task.text == "Pasted\nfrom Word\nwith CRLF"


# Conflicts -----------------------------------------------------------------------------------

def test_it_shows_a_conflict_with_both_texts_and_merges_what_it_can(client, task, editor, member_of):
    other = member_of("editor", username="other")
    client.force_login(other)
    client.post(edit_url(task), {"text": "Analyze and interpret clinical data.", "version": 1})
    client.force_login(editor)
    response = client.post(edit_url(task), {"text": "Collect, analyze and interpret data.", "version": 1}, **HTMX)
    html = response.content.decode()
    assert "Other Tester saved this" in html
    assert "Analyze and interpret clinical data." in html and "Collect, analyze and interpret data." in html
    # Both changes touch different words: the form holds them combined, based on version 2.
    assert "Collect, analyze and interpret clinical data.</textarea>" in html
    assert 'name="version" value="2"' in html
    task.refresh_from_db()
    assert task.text == "Analyze and interpret clinical data."  # nothing overwritten
    client.post(edit_url(task), {"text": "Collect, analyze and interpret clinical data.", "version": 2})
    task.refresh_from_db()
    assert (task.text, task.version) == ("Collect, analyze and interpret clinical data.", 3)


def test_it_keeps_my_text_in_the_form_when_the_changes_collide(client, task, editor, member_of):
    other = member_of("editor", username="other")
    client.force_login(other)
    client.post(edit_url(task), {"text": "Interpret health data.", "version": 1})
    client.force_login(editor)
    html = client.post(edit_url(task), {"text": "Analyze patient records.", "version": 1}, **HTMX).content.decode()
    assert "Your text is in the form" in html
    assert "Analyze patient records.</textarea>" in html
    assert "<del>" in html and "<ins>" in html


def test_it_lets_a_save_through_when_the_other_save_changed_another_field(client, task, editor, member_of):
    other = member_of("editor", username="other")
    client.force_login(other)
    client.post(edit_url(task), {"text": "Analyze and interpret data.", "is_may": "on", "version": 1})
    client.force_login(editor)
    response = client.post(edit_url(task), {"text": "Analyze data.", "is_may": "on", "version": 1})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.text, task.is_may, task.version) == ("Analyze data.", True, 3)


def test_it_offers_the_typed_text_as_a_new_entry_when_the_entry_was_deleted(client, task, editor, proposal):
    client.force_login(editor)
    url = edit_url(task)
    services.object_delete(task, by=editor)
    response = client.post(url, {"text": "My careful rewrite.", "version": 1}, **HTMX)
    html = response.content.decode()
    assert "This was deleted while you were editing it." in html
    assert "My careful rewrite.</textarea>" in html
    assert f'action="{add_url(proposal)}"' in html


# Adding, moving, deleting --------------------------------------------------------------------

def test_it_adds_an_entry_right_after_another(client, proposal, owner, editor):
    first, second = (services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=t, by=owner)
                     for t in ("First.", "Second."))
    client.force_login(editor)
    response = client.post(add_url(proposal, after=first.pk), {"text": "Between.", "version": 0})
    assert response.status_code == 302
    assert texts(proposal) == ["First.", "Between.", "Second."]
    client.post(add_url(proposal), {"text": "Last.", "version": 0})
    assert texts(proposal)[-1] == "Last."


def test_it_adds_an_entry_under_its_sub_heading(client, proposal, editor):
    client.force_login(editor)
    form = client.get(add_url(proposal, "education", choice="certification")).content.decode()
    assert '<option value="certification" selected>' in form
    client.post(add_url(proposal, "education"), {"text": "CPHIMS", "category": "certification", "version": 0})
    assert EducationRequirement.objects.get(proposal=proposal).category == "certification"


def test_it_moves_entries_up_and_down(client, proposal, owner, editor):
    tasks = [services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=t, by=owner)
             for t in ("A.", "B.", "C.")]
    client.force_login(editor)
    move = reverse("entry_move", args=[proposal.pk, "task", tasks[2].pk])
    client.post(move, {"direction": "up"})
    assert texts(proposal) == ["A.", "C.", "B."]
    client.post(move, {"direction": "up"}, **HTMX)
    assert texts(proposal) == ["C.", "A.", "B."]
    client.post(move, {"direction": "up"})  # already first: nothing moves
    assert texts(proposal) == ["C.", "A.", "B."]
    assert client.post(move, {"direction": "sideways"}).status_code == 400


def test_it_deletes_an_entry_and_undoes_the_delete(client, task, editor):
    client.force_login(editor)
    response = client.post(reverse("entry_delete", args=[task.proposal_id, "task", task.pk]), **HTMX)
    html = response.content.decode()
    assert not Task.objects.filter(pk=task.pk).exists()
    assert "Deleted task “Analyze and interpret data.”" in html
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post(reverse("deletion_undo", args=[task.proposal_id]), {"token": token})
    restored = Task.objects.get(pk=task.pk)
    assert restored.text == "Analyze and interpret data."
    assert restored.history.first().history_change_reason == "Deletion undone"


def test_it_offers_undo_once_on_the_page_after_a_delete_without_javascript(client, task, editor):
    client.force_login(editor)
    client.post(reverse("entry_delete", args=[task.proposal_id, "task", task.pk]))
    page = reverse("proposal_detail", args=[task.proposal_id])
    assert "Deleted task" in client.get(page).content.decode()
    assert "Deleted task" not in client.get(page).content.decode()


# The proposal's own text and narratives --------------------------------------------------------

def test_it_writes_the_introduction_and_a_narrative(client, proposal, editor):
    client.force_login(editor)
    intro = reverse("proposal_text_edit", args=[proposal.pk, "introduction"])
    assert client.post(intro, {"introduction": "Why we meet.", "version": 1}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.introduction == "Why we meet."
    narrative = reverse("narrative_edit", args=[proposal.pk, "licensing"])
    client.post(narrative, {"text": "No license is required.", "version": 0})
    written = Narrative.objects.get(proposal=proposal, item="licensing", group=None)
    assert written.text == "No license is required."
    client.post(narrative, {"text": "No license is required anywhere.", "version": written.version})
    written.refresh_from_db()
    assert (written.text, written.version) == ("No license is required anywhere.", 2)
    assert client.get(reverse("proposal_text_edit", args=[proposal.pk, "slug"])).status_code == 404


def test_it_writes_a_new_narrative_for_one_group(client, proposal, owner, editor):
    minor = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    client.force_login(editor)
    narrative = reverse("narrative_edit", args=[proposal.pk, "nature_of_work"])
    form = client.get(narrative + f"?group={minor.pk}", **HTMX).content.decode()
    assert f'<option value="{minor.pk}" selected>' in form
    client.post(narrative, {"text": "Consensus on tasks.", "group": minor.pk, "version": 0})
    assert Narrative.objects.get(proposal=proposal, item="nature_of_work").group == minor
    client.post(narrative, {"text": "  ", "version": 0})  # an empty new narrative is not created
    assert Narrative.objects.filter(proposal=proposal).count() == 1
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert page.index("Minor group: Health IT") < page.index("Consensus on tasks.")


def test_it_treats_a_narrative_written_meanwhile_as_a_conflict(client, proposal, editor, member_of):
    other = member_of("editor", username="other")
    narrative = reverse("narrative_edit", args=[proposal.pk, "licensing"])
    client.force_login(other)
    client.post(narrative, {"text": "Theirs.", "version": 0})
    client.force_login(editor)
    html = client.post(narrative, {"text": "Mine.", "version": 0}, **HTMX).content.decode()
    assert "saved this" in html and "Theirs." in html and "Mine.</textarea>" in html
    assert Narrative.objects.get(proposal=proposal, item="licensing").text == "Theirs."


# The classification ---------------------------------------------------------------------------

def test_it_shows_a_code_error_beside_the_field_and_keeps_the_typed_code(client, proposal, owner, editor):
    major = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health", by=owner)
    minor = services.group_create(proposal=proposal, level="minor", code="29-9000", title="Other",
                                  parent=major, by=owner)
    client.force_login(editor)
    add = reverse("group_add", args=[proposal.pk]) + f"?parent={minor.pk}"
    form = client.get(add, **HTMX).content.decode()
    assert '<option value="broad" selected>' in form
    values = {"parent": minor.pk, "level": "broad", "code": "29-9021", "title": "Health IT", "version": 0}
    html = client.post(add, values, **HTMX).content.decode()
    assert "A broad occupation code ends in 0, like 29-9020." in html
    assert 'value="29-9021"' in html
    assert not OccupationGroup.objects.filter(title="Health IT").exists()
    client.post(add, {**values, "code": "29 9020"})
    assert OccupationGroup.objects.get(title="Health IT").code == "29-9020"


def test_it_renames_recodes_and_moves_a_group(client, proposal, owner, editor):
    major = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health", by=owner)
    first = services.group_create(proposal=proposal, level="minor", code="29-1000", title="First",
                                  parent=major, by=owner)
    second = services.group_create(proposal=proposal, level="minor", code="29-2000", title="Second",
                                   parent=major, by=owner)
    broad = services.group_create(proposal=proposal, level="broad", code="29-1010", title="Broad",
                                  parent=first, by=owner)
    client.force_login(editor)
    edit = reverse("group_edit", args=[proposal.pk, broad.pk])
    wrong = client.post(edit, {"parent": second.pk, "level": "broad", "code": "29-1010", "title": "Broad",
                               "version": 1}, **HTMX).content.decode()
    assert "This code must begin with 29-2" in wrong
    client.post(edit, {"parent": second.pk, "level": "broad", "code": "29-2010",
                       "title": "Health IT specialists", "version": 1})
    broad.refresh_from_db()
    assert (broad.parent, broad.code, broad.title) == (second, "29-2010", "Health IT specialists")
    client.post(reverse("group_move", args=[proposal.pk, second.pk]), {"direction": "up"})
    assert list(major.children.order_by("position").values_list("title", flat=True)) == ["Second", "First"]


def test_it_asks_before_removing_a_group_and_undo_brings_back_everything(client, proposal, owner, editor):
    minor = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    broad = services.group_create(proposal=proposal, level="broad", title="Analysts", parent=minor, by=owner)
    services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=broad, text="Analyze.", by=owner)
    services.narrative_set(proposal=proposal, group=minor, item="licensing", text="None.", by=owner)
    client.force_login(editor)
    remove = reverse("group_delete", args=[proposal.pk, minor.pk])
    confirm = client.get(remove).content.decode()
    assert "Removing it also removes:" in confirm
    assert "1 occupation group<" in confirm  # the broad one below; the group itself is not counted
    assert "1 task" in confirm and "1 narrative" in confirm
    client.post(remove)
    assert not OccupationGroup.objects.filter(proposal=proposal).exists()
    assert not Task.objects.filter(proposal=proposal).exists()
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    client.post(reverse("deletion_undo", args=[proposal.pk]), {"token": token})
    assert OccupationGroup.objects.filter(proposal=proposal).count() == 2
    assert Task.objects.get(proposal=proposal).group.title == "Analysts"
    assert Narrative.objects.get(proposal=proposal).text == "None."


# Who may write ----------------------------------------------------------------------------------

def write_requests(proposal, task, group):
    """Every write the page offers, as (method, url, data)."""
    pk = proposal.pk
    return [
        ("post", reverse("proposal_text_edit", args=[pk, "introduction"]), {"introduction": "x", "version": 1}),
        ("post", reverse("narrative_edit", args=[pk, "licensing"]), {"text": "x", "version": 0}),
        ("post", reverse("entry_add", args=[pk, "task"]), {"text": "x", "version": 0}),
        ("post", reverse("entry_edit", args=[pk, "task", task.pk]), {"text": "x", "version": 1}),
        ("post", reverse("entry_move", args=[pk, "task", task.pk]), {"direction": "up"}),
        ("post", reverse("entry_delete", args=[pk, "task", task.pk]), {}),
        ("post", reverse("group_add", args=[pk]), {"level": "major", "code": "15-0000", "title": "x", "version": 0}),
        ("post", reverse("group_edit", args=[pk, group.pk]), {"level": "major", "title": "x", "version": 1}),
        ("post", reverse("group_move", args=[pk, group.pk]), {"direction": "up"}),
        ("post", reverse("group_delete", args=[pk, group.pk]), {}),
        ("post", reverse("deletion_undo", args=[pk]), {"token": "x"}),
        ("get", reverse("entry_edit", args=[pk, "task", task.pk]), {}),
        ("get", reverse("group_delete", args=[pk, group.pk]), {}),
    ]


@pytest.mark.parametrize("role, status", [("reviewer", 403), ("observer", 403), (None, 404)])
def test_it_refuses_every_write_to_readers_and_outsiders(client, proposal, owner, task, member_of, outsider,
                                                         role, status):
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health", by=owner)
    client.force_login(member_of(role) if role else outsider)
    for method, url, data in write_requests(proposal, task, group):
        assert getattr(client, method)(url, data).status_code == status, url
        assert getattr(client, method)(url, data, **HTMX).status_code == status, url
    task.refresh_from_db()
    group.refresh_from_db()
    assert (task.text, task.version, group.title, group.version) == ("Analyze and interpret data.", 1, "Health", 1)
    assert OccupationGroup.objects.filter(proposal=proposal).count() == 1


@pytest.mark.parametrize("role", ["reviewer", "observer"])
def test_it_shows_readers_no_edit_controls(client, proposal, task, member_of, role):
    client.force_login(member_of(role))
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert "Analyze and interpret data." in html
    for control in (">Edit<", "Move up", ">Delete<", "Add…", "/edit/", f'"/proposals/{proposal.pk}/entries/'):
        assert control not in html
    # A reviewer comments and suggests instead; an observer only reads.
    assert (">Suggest edit<" in html and ">Comment<" in html) == (role == "reviewer")


def test_it_shows_writers_the_controls(client, proposal, task, editor):
    client.force_login(editor)
    html = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert f'href="{edit_url(task)}"' in html
    assert "Move up" in html and ">Delete<" in html and "Add…" in html


# Writing the whole proposal from an empty one ------------------------------------------------

SAMPLE_VALUES = {"code": "15-1211", "number": "434292", "year": "2017", "is_may": "on"}


@pytest.mark.parametrize("key", [kind.key for kind in ENTRY_KINDS])
def test_it_adds_every_kind_of_entry_from_its_form(client, proposal, owner, editor, key):
    """An editor can write any entry the seed has, for the proposal or for one group."""
    kind = kind_for(key)
    group = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    client.force_login(editor)
    form = client.get(add_url(proposal, key, group=group.pk), **HTMX).content.decode()
    assert f'<option value="{group.pk}" selected>' in form
    data = {"version": 0, "group": group.pk}
    for name, field in forms.entry_form_class(kind)(proposal=proposal).fields.items():
        if name in ("version", "group"):
            continue
        choices = [value for value, _ in getattr(field, "choices", []) if value]
        data[name] = SAMPLE_VALUES.get(name) or (choices[-1] if choices else f"Sample {name}")
    response = client.post(add_url(proposal, key), data)
    assert response.status_code == 302, response.content.decode()
    entry = kind.model.objects.get(proposal=proposal)
    assert entry.group == group
    assert response.url.endswith(f"#{key}-{entry.pk}")
    page = client.get(reverse("proposal_detail", args=[proposal.pk])).content.decode()
    assert f'id="{key}-{entry.pk}"' in page


def test_it_answers_an_htmx_save_after_the_session_ended_with_401_not_the_login_page(client, task):
    response = client.post(edit_url(task), {"text": "Typed before the session ended.", "version": 1}, **HTMX)
    assert response.status_code == 401
    assert b"log in again" in response.content
    plain = client.post(edit_url(task), {"text": "x", "version": 1})
    assert plain.status_code == 302 and plain["Location"].startswith(reverse("login"))


def test_it_places_a_dropped_entry_after_another_in_its_list(client, proposal, owner, editor):
    tasks = [services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=t, by=owner)
             for t in ("A.", "B.", "C.", "D.")]
    group = services.group_create(proposal=proposal, level="minor", title="Health IT", by=owner)
    other_list = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=group,
                                       text="In another list.", by=owner)
    client.force_login(editor)
    move = reverse("entry_move", args=[proposal.pk, "task", tasks[0].pk])
    assert client.post(move, {"after": tasks[2].pk}).status_code == 302
    assert texts(proposal) == ["B.", "C.", "A.", "D."]
    client.post(move, {"after": ""}, **HTMX)
    assert texts(proposal)[:4] == ["A.", "B.", "C.", "D."]
    assert client.post(move, {"after": other_list.pk}).status_code == 400
    assert texts(proposal)[:4] == ["A.", "B.", "C.", "D."]
    assert Task.objects.get(pk=tasks[0].pk).history.first().history_change_reason == "Moved"


def test_it_opens_an_edit_form_in_few_queries_whatever_the_size(client, proposal, owner, editor,
                                                                django_assert_max_num_queries):
    from occupations.sample import fill_proposal

    fill_proposal(proposal, owner, 300)
    task = Task.objects.filter(proposal=proposal).first()
    client.force_login(editor)
    # session, user, membership, the task, the groups for "Applies to"
    with django_assert_max_num_queries(6):
        assert client.get(edit_url(task), **HTMX).status_code == 200


def test_it_cuts_nothing_typed_and_says_the_limit_instead(client, task, editor):
    client.force_login(editor)
    form = client.get(edit_url(task) + "?wrap=li", **HTMX).content.decode()
    assert "maxlength" not in form  # a browser would cut a long paste without a word
    assert 'data-limit="5000"' in form
    pasted = "x" * 10_000
    response = client.post(edit_url(task), {"text": pasted, "version": 1}, **HTMX)
    html = response.content.decode()
    assert "is 10000 characters long; the limit is 5000" in html
    assert pasted in html  # every character sent back
    task.refresh_from_db()
    assert task.text == "Analyze and interpret data."

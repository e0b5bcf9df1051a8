"""The history pages: recent changes, one object's versions, restoring one."""

import pytest
from django.contrib.messages import get_messages

from occupations import services
from occupations.kinds import kind_for
from occupations.models import OccupationGroup

TASK = kind_for("task")
OLD = "Analyze clinical data to improve outcomes."
NEW = "Analyze clinical records to improve patient outcomes."


@pytest.fixture
def task(proposal, owner, editor):
    task = services.entry_create(entry_kind=TASK, proposal=proposal, by=owner, text=OLD)
    return services.object_update(task, values={"text": NEW}, base_version=1, by=editor)


def _history_url(proposal, path=""):
    return f"/proposals/{proposal.pk}/history/" + (f"{path}/" if path else "")


def _restore_url(proposal, path, history_id):
    return f"/proposals/{proposal.pk}/history/{path}/restore/{history_id}/"


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("role", ["owner", "editor", "reviewer", "observer"])
def test_every_member_reads_both_pages(client, proposal, task, role, request):
    client.force_login(request.getfixturevalue(role))
    recent = client.get(_history_url(proposal))
    assert recent.status_code == 200
    html = recent.content.decode()
    assert "<h1 class=\"h3\">Recent changes</h1>" in html
    assert f'href="/proposals/{proposal.pk}/history/task:{task.pk}/"' in html
    assert "<del>data</del><ins>records</ins>" in html

    page = client.get(_history_url(proposal, f"task:{task.pk}"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<del>data</del><ins>records</ins>" in html
    assert "<ins>patient </ins>" in html
    assert "Version 2" in html and "Version 1" in html
    can_write = role in ("owner", "editor")
    assert ('aria-label="Restore version 1"' in html) is can_write


def test_outsiders_and_strangers_see_nothing(client, proposal, task, outsider):
    response = client.get(_history_url(proposal))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(outsider)
    for url in (_history_url(proposal), _history_url(proposal, f"task:{task.pk}")):
        assert client.get(url).status_code == 404
    record = task.history.get(version=1)
    assert client.post(_restore_url(proposal, f"task:{task.pk}", record.history_id)).status_code == 404
    task.refresh_from_db()
    assert task.text == NEW


@pytest.mark.parametrize("path", ["task:abc", "nothing:1", "task:999999", "task:1.text", "membership:1"])
def test_it_answers_404_for_a_bad_or_unknown_path(client, proposal, task, owner, path):
    client.force_login(owner)
    assert client.get(_history_url(proposal, path)).status_code == 404


def test_it_does_not_show_another_proposals_object(client, proposal, owner):
    other = services.proposal_create(title="Other", created_by=owner)
    theirs = services.entry_create(entry_kind=TASK, proposal=other, by=owner, text="Theirs.")
    client.force_login(owner)
    assert client.get(_history_url(proposal, f"task:{theirs.pk}")).status_code == 404
    assert client.get(_history_url(proposal, f"proposal:{other.pk}")).status_code == 404
    assert client.get(_history_url(proposal, f"proposal:{proposal.pk}")).status_code == 200


def test_restoring_makes_a_new_version_with_the_old_text(client, proposal, task, editor):
    client.force_login(editor)
    first = task.history.get(version=1)
    path = f"task:{task.pk}"
    response = client.post(_restore_url(proposal, path, first.history_id))
    assert response.status_code == 302 and response["Location"] == _history_url(proposal, path)
    assert _messages(response) == [f"Restored version 1 of task “{NEW}”."]

    task.refresh_from_db()
    assert (task.text, task.version) == (OLD, 3)
    page = client.get(_history_url(proposal, path)).content.decode()
    assert "Version 3" in page and "Restored version 1" in page
    assert "by <strong>Editor Tester</strong>" in page
    assert "<del>records</del><ins>data</ins>" in page
    recent = client.get(_history_url(proposal)).content.decode()
    assert "Restored version 1" in recent


def test_restore_refuses_get_and_readers(client, proposal, task, reviewer, observer, editor):
    first = task.history.get(version=1)
    url = _restore_url(proposal, f"task:{task.pk}", first.history_id)
    client.force_login(editor)
    assert client.get(url).status_code == 405
    for reader in (reviewer, observer):
        client.force_login(reader)
        assert client.post(url, {"anything": "at all"}).status_code == 403
    task.refresh_from_db()
    assert (task.text, task.version) == (NEW, 2)
    assert task.history.count() == 2


def test_it_brings_a_deleted_task_back_with_the_same_pk(client, proposal, task, owner, editor):
    pk = task.pk
    services.object_delete(task, by=owner)
    client.force_login(editor)
    page = client.get(_history_url(proposal, f"task:{pk}"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "was deleted" in html and "Bring it back" in html
    assert 'aria-label="Restore version' not in html
    deleted = TASK.model.history.get(id=pk, history_type="-")

    response = client.post(_restore_url(proposal, f"task:{pk}", deleted.history_id))
    assert response.status_code == 302
    assert _messages(response) == [f"Brought back task “{NEW}”."]
    back = TASK.model.objects.get(pk=pk)
    assert back.text == NEW
    assert back.history.first().history_change_reason == "Deletion undone"
    assert back.history.first().history_user == editor


def test_a_task_of_a_deleted_group_waits_for_its_group(client, proposal, owner):
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    group_pk = group.pk
    task = services.entry_create(entry_kind=TASK, proposal=proposal, group=group, by=owner, text="Under it.")
    task_pk = task.pk
    services.object_delete(group, by=owner)
    client.force_login(owner)

    page = client.get(_history_url(proposal, f"task:{task_pk}")).content.decode()
    assert "cannot come back alone" in page and "Bring it back" not in page
    deleted = TASK.model.history.get(id=task_pk, history_type="-")
    response = client.post(_restore_url(proposal, f"task:{task_pk}", deleted.history_id))
    assert "cannot come back alone" in _messages(response)[0]
    assert not TASK.model.objects.filter(pk=task_pk).exists()

    # The group comes back with what was deleted with it.
    group_deleted = OccupationGroup.history.get(id=group_pk, history_type="-")
    response = client.post(_restore_url(proposal, f"group:{group_pk}", group_deleted.history_id))
    assert _messages(response)[-1] == (
        "Brought back major group “29-0000 Healthcare”, with 1 more item deleted with it."
    )
    assert TASK.model.objects.get(pk=task_pk).group_id == group_pk


def test_it_explains_a_restore_that_no_longer_fits(client, proposal, owner):
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    group = services.object_update(group, values={"code": "15-0000"}, base_version=1, by=owner)
    services.group_create(proposal=proposal, level="major", code="29-0000", title="Another", by=owner)
    client.force_login(owner)
    first = group.history.get(version=1)
    response = client.post(_restore_url(proposal, f"group:{group.pk}", first.history_id), follow=True)
    html = response.content.decode()
    assert "Version 1 cannot be restored: Another group of this proposal already has this code." in html
    group.refresh_from_db()
    assert (group.code, group.version) == ("15-0000", 2)


def test_it_explains_a_conflict(client, proposal, task, editor, monkeypatch):
    def conflict(obj, **kwargs):
        raise services.EditConflict(current=obj, base=None, fields=["text"], mine={})

    monkeypatch.setattr(services, "object_restore", conflict)
    client.force_login(editor)
    first = task.history.get(version=1)
    response = client.post(_restore_url(proposal, f"task:{task.pk}", first.history_id))
    assert "while you were restoring it" in _messages(response)[0]


def test_it_pages_back_through_older_changes(client, proposal, owner, monkeypatch):
    from occupations.views import history as views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    for n in range(6):
        services.entry_create(entry_kind=TASK, proposal=proposal, by=owner, text=f"Task number {n}.")
    client.force_login(owner)
    first = client.get(_history_url(proposal)).content.decode()
    assert "Task number 5." in first and "Task number 2." not in first
    assert "Older changes" in first
    link = [part for part in first.split('"') if "?before=" in part][0]
    second = client.get(link).content.decode()
    assert "Task number 2." in second and "Task number 5." not in second
    assert "Newest changes" in second


def test_it_offers_each_version_once_and_not_the_current_text(client, proposal, owner):
    kind = TASK
    services.entry_create(entry_kind=kind, proposal=proposal, by=owner, text="First.")
    second = services.entry_create(entry_kind=kind, proposal=proposal, by=owner, text="Second.")
    second = services.object_update(second, values={"text": "Second, changed."}, base_version=1, by=owner)
    services.entry_move(second, direction="up", by=owner)
    assert [r.history_change_reason for r in second.history.all()][0] == "Moved"
    client.force_login(owner)
    html = client.get(_history_url(proposal, f"task:{second.pk}")).content.decode()
    assert "Moved in its list" in html
    assert html.count('aria-label="Restore version 1"') == 1
    assert html.count('aria-label="Restore version 2"') == 0

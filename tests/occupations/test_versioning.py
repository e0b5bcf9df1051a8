"""Saves based on a version: nothing overwritten silently, also under real concurrency."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from occupations import services
from occupations.kinds import kind_for
from occupations.models import Proposal
from occupations.entries import Task


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)


def test_it_saves_on_the_current_version_and_moves_the_version_on(task, editor):
    saved = services.object_update(task, values={"text": "Analyze clinical data."}, base_version=1, by=editor)
    assert (saved.text, saved.version) == ("Analyze clinical data.", 2)
    assert task.history.count() == 2


def test_it_refuses_a_save_on_a_stale_version_that_changed_the_same_field(task, editor, owner):
    services.object_update(task, values={"text": "Theirs."}, base_version=1, by=owner)
    with pytest.raises(services.EditConflict) as raised:
        services.object_update(task, values={"text": "Mine."}, base_version=1, by=editor)
    assert raised.value.fields == ["text"]
    assert raised.value.current.text == "Theirs." and raised.value.base.text == "Analyze data."
    assert Task.objects.get(pk=task.pk).text == "Theirs."


def test_it_takes_a_stale_save_that_repeats_what_is_there(task, editor, owner):
    services.object_update(task, values={"text": "Same."}, base_version=1, by=owner)
    saved = services.object_update(task, values={"text": "Same."}, base_version=1, by=editor)
    assert saved.version == 2


def test_it_touches_the_proposal_so_my_proposals_sorts_by_real_activity(proposal, task, editor):
    before = Proposal.objects.get(pk=proposal.pk).updated_at
    services.object_update(task, values={"text": "Later."}, base_version=1, by=editor)
    assert Proposal.objects.get(pk=proposal.pk).updated_at > before
    assert Proposal.objects.get(pk=proposal.pk).version == 1  # no conflict for the proposal's own text


def test_it_restores_an_earlier_version_as_a_new_change(task, editor):
    services.object_update(task, values={"text": "Worse."}, base_version=1, by=editor)
    first = task.history.get(version=1)
    restored = services.object_restore(Task.objects.get(pk=task.pk), record=first, by=editor)
    assert (restored.text, restored.version) == ("Analyze data.", 3)
    assert task.history.first().history_change_reason == "Restored version 1"


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_it_lets_exactly_one_of_two_concurrent_saves_through_on_postgresql(proposal, owner, editor):
    """Two editors press Save at the same moment, on the same version, many times over:
    every time one save lands and the other sees the conflict; none is lost."""
    clients = {}
    for user in (owner, editor):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    for round_ in range(15):
        task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Base.", by=owner)
        url = reverse("entry_edit", args=[proposal.pk, "task", task.pk])
        start = threading.Barrier(2)
        outcomes = {}

        def save(username):
            text = f"{username} {round_}"
            start.wait()
            try:
                response = clients[username].post(url, {"text": text, "version": 1})
                conflict = response.status_code == 200 and "while you were editing" in response.content.decode()
                outcomes[text] = "saved" if response.status_code == 302 else "conflict" if conflict else response
            finally:
                connection.close()

        threads = [threading.Thread(target=save, args=(name,)) for name in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(map(str, outcomes.values())) == ["conflict", "saved"], outcomes
        winner = next(text for text, outcome in outcomes.items() if outcome == "saved")
        task.refresh_from_db()
        assert (task.text, task.version) == (winner, 2)
        assert task.history.filter(version=2).count() == 1

"""Only the words people write, on every route: a thread, a span or text suggestion, an
accept, "accept all", a restore. The audit's examples (a reviewer's suggestion on the
proposal's status, slug or revision cycle, a narrative's item, `__module__` and
`__doc__`) are here as they were tried: through the views, as a browser posts them."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse


from comments import suggesting
from comments.models import Suggestion, Thread
from occupations import services
from occupations.kinds import kind_for
from occupations.models import Narrative, Proposal

HTMX = {"HTTP_HX_REQUEST": "true"}
TASK_TEXT = "Analyze and interpret clinical data to improve health systems."
# (prefix, field): fields outside the lists, and ones whose names are not fields at all.
FORBIDDEN = [
    ("proposal", "status"), ("proposal", "slug"), ("proposal", "revision_cycle"), ("proposal", "__doc__"),
    ("proposal", "__module__"), ("proposal", "version"), ("proposal", "pk"), ("proposal", "objects"),
    ("narrative", "item"), ("narrative", "__doc__"), ("task", "__module__"), ("task", "is_may"),
    ("task", "proposal_id"), ("group", "code"), ("group", "level"), ("task", "get_next_by_created_at"),
]


@pytest.fixture
def scene(proposal, owner):
    proposal = services.object_update(proposal, values={"background": "Health IT grew fast."},
                                      base_version=proposal.version, by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TASK_TEXT, by=owner)
    narrative = services.narrative_set(proposal=proposal, item="nature_of_work", text="The work.", by=owner)
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    return {"proposal": proposal, "task": task, "narrative": narrative, "group": group}


def path_of(scene, prefix: str, field: str) -> str:
    return f"{prefix}:{scene[prefix].pk}.{field}"


def settings_of(proposal) -> tuple:
    proposal = Proposal.objects.get(pk=proposal.pk)
    return proposal.title, proposal.slug, proposal.revision_cycle, proposal.status


def problem_of(response) -> str:
    assert response.status_code == 200, response.content.decode()[:500]
    return json.loads(response["HX-Trigger"])["saved"]["problem"] if "HX-Trigger" in response else ""


@pytest.mark.parametrize("prefix,field", FORBIDDEN)
def test_it_refuses_a_span_suggestion_outside_the_list(client, scene, reviewer, prefix, field):
    before = settings_of(scene["proposal"])
    client.force_login(reviewer)
    url = reverse("suggest_span", args=[scene["proposal"].pk])
    response = client.post(url, {"path": path_of(scene, prefix, field), "start": "0", "end": "5",
                                 "replacement": "submitted"}, **HTMX)
    assert response.status_code == 200
    settings_page = prefix == "proposal" and field in ("status", "revision_cycle")
    assert ("Only a coordinator changes this" if settings_page else "is not a text of the proposal") in (
        response.content.decode())
    assert not Suggestion.objects.exists()
    assert settings_of(scene["proposal"]) == before


@pytest.mark.parametrize("prefix,field", FORBIDDEN)
def test_it_refuses_a_thread_outside_the_list(client, scene, reviewer, prefix, field):
    client.force_login(reviewer)
    url = reverse("thread_new", args=[scene["proposal"].pk])
    for span in ({}, {"start": "0", "end": "3"}):
        response = client.post(url, {"path": path_of(scene, prefix, field), "kind": "comment", "text": "Hm",
                                     **span}, **HTMX)
        assert response.status_code == 200
        assert "is not a text of the proposal" in response.content.decode()
    assert not Thread.objects.exists()


@pytest.mark.parametrize("prefix,field", FORBIDDEN)
def test_it_offers_no_suggest_edit_form_outside_the_list(client, scene, reviewer, prefix, field):
    client.force_login(reviewer)
    url = reverse("suggest_text", args=[scene["proposal"].pk])
    path = path_of(scene, prefix, field)
    assert client.get(url, {"path": path}).status_code == 404
    response = client.post(url, {"path": path, "base-text": "draft", "text": "submitted"})
    assert response.status_code == 404
    assert not Suggestion.objects.exists()


def test_it_takes_comments_on_the_title_but_no_suggestion(client, scene, reviewer, editor):
    proposal = scene["proposal"]
    title = f"proposal:{proposal.pk}.title"
    client.force_login(reviewer)
    response = client.post(reverse("thread_new", args=[proposal.pk]),
                           {"path": title, "start": "0", "end": "6", "quote": "Health", "kind": "comment",
                            "text": "Is this the name?"}, **HTMX)
    assert problem_of(response) == ""
    assert Thread.objects.get().quote == "Health"
    for who in (reviewer, editor):
        client.force_login(who)
        response = client.post(reverse("suggest_span", args=[proposal.pk]),
                               {"path": title, "start": "0", "end": "6", "quote": "Health",
                                "replacement": "Medical"}, **HTMX)
        assert "Only a coordinator changes this" in response.content.decode()
        assert client.get(reverse("suggest_text", args=[proposal.pk]), {"path": title}).status_code == 404
    assert not Suggestion.objects.exists()
    assert settings_of(proposal)[0] == "Health Informatics Occupations"


def test_it_still_takes_suggestions_on_the_texts(client, scene, reviewer):
    client.force_login(reviewer)
    for prefix, field, quote in (("task", "text", "clinical"), ("narrative", "text", "work"),
                                 ("proposal", "background", "grew"), ("group", "title", "Healthcare")):
        obj = scene[prefix]
        text = getattr(obj, field)
        start = text.index(quote)
        response = client.post(reverse("suggest_span", args=[scene["proposal"].pk]),
                               {"path": path_of(scene, prefix, field), "start": str(start),
                                "end": str(start + len(quote)), "quote": quote, "replacement": "new"}, **HTMX)
        assert problem_of(response) == ""
    assert Suggestion.objects.count() == 4


def _stored(proposal, reviewer, path, quote, replacement="submitted"):
    """A suggestion made before the list: stored on a path no route takes today."""
    return Suggestion.objects.create(proposal=proposal, path=path, created_by=reviewer, start=0, end=len(quote),
                                     quote=quote, original_quote=quote, replacement=replacement)


def test_a_stored_suggestion_on_the_status_is_refused_skipped_and_can_be_rejected(client, scene, reviewer, editor):
    proposal = scene["proposal"]
    before = settings_of(proposal)
    status = _stored(proposal, reviewer, f"proposal:{proposal.pk}.status", "draft")
    item = _stored(proposal, reviewer, f"narrative:{scene['narrative'].pk}.item", "nature", "licensing")
    fine = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"task:{scene['task'].pk}.text",
                                     start=0, end=7, quote="Analyze", replacement="Study")
    client.force_login(editor)

    response = client.post(reverse("suggestion_decide", args=[proposal.pk, status.pk, "accept"]), **HTMX)
    assert "Only a coordinator changes this" in problem_of(response)
    status.refresh_from_db()
    assert status.status == Suggestion.Status.OPEN and settings_of(proposal) == before

    response = client.post(reverse("suggestions_decide", args=[proposal.pk]),
                           {"author": f"user:{reviewer.pk}", "decision": "accept"}, **HTMX)
    problem = problem_of(response)
    assert problem.startswith("Accepted 1 suggestion. 2 could not be:")
    assert settings_of(proposal) == before
    assert Narrative.objects.get(pk=scene["narrative"].pk).item == "nature_of_work"
    assert Suggestion.objects.get(pk=fine.pk).status == "accepted"

    response = client.post(reverse("suggestion_decide", args=[proposal.pk, status.pk, "reject"]), **HTMX)
    assert problem_of(response) == ""
    status.refresh_from_db()
    item.refresh_from_db()
    assert (status.status, item.status) == (Suggestion.Status.REJECTED, Suggestion.Status.OPEN)
    assert settings_of(proposal) == before


def test_an_editors_restore_of_the_proposal_leaves_its_settings(client, scene, owner, editor):
    proposal = scene["proposal"]
    first = proposal.history.order_by("history_id").first()
    proposal = services.object_update(Proposal.objects.get(pk=proposal.pk),
                                      values={"title": "Renamed by the coordinator", "revision_cycle": "2038 SOC",
                                              "status": "in_review", "background": "Rewritten."},
                                      base_version=proposal.version, by=owner)
    client.force_login(editor)
    response = client.post(f"/proposals/{proposal.pk}/history/proposal:{proposal.pk}/restore/{first.history_id}/")
    assert response.status_code == 302
    assert [str(message) for message in get_messages(response.wsgi_request)][0].startswith("Restored version")
    proposal.refresh_from_db()
    assert proposal.background == ""  # the text is restored...
    assert (proposal.title, proposal.revision_cycle, proposal.status) == (  # ...and the settings left
        "Renamed by the coordinator", "2038 SOC", "in_review")


def test_a_stored_new_entry_with_fields_no_entry_has_is_refused_at_accept(scene, reviewer, editor, owner):
    """entry_values are stored data: only an entry form's fields are taken from them."""
    other = services.proposal_create(title="Another", revision_cycle="2028 SOC", created_by=owner)
    theirs = services.entry_create(entry_kind=kind_for("task"), proposal=other, text="Theirs.", by=owner)
    proposal = scene["proposal"]
    for values in ({"text": "Mine.", "id": theirs.pk}, {"text": "Mine.", "proposal_id": other.pk},
                   {"text": "Mine.", "version": 99}):
        stored = Suggestion.objects.create(proposal=proposal, path=f"proposal:{proposal.pk}", created_by=reviewer,
                                           kind=Suggestion.Kind.ADD_ENTRY, entry_kind="task", entry_values=values,
                                           quote="Mine.")
        with pytest.raises(ValidationError) as refused:
            suggesting.suggestion_accept(suggestion=stored, by=editor)
        assert "fields no entry of its kind has" in refused.value.messages[0]
    theirs.refresh_from_db()
    assert (theirs.proposal_id, theirs.text) == (other.pk, "Theirs.")
    fine = Suggestion.objects.create(proposal=proposal, path=f"proposal:{proposal.pk}", created_by=reviewer,
                                     kind=Suggestion.Kind.ADD_ENTRY, entry_kind="task",
                                     entry_values={"text": "Train staff.", "is_may": True}, quote="Train staff.")
    added = suggesting.suggestion_accept(suggestion=fine, by=editor)
    assert (added.proposal_id, added.text, added.is_may) == (proposal.pk, "Train staff.", True)

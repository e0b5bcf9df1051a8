"""The proposal's change counter: every kind of write moves it, so a page a reader saw is
known stale without drawing it again; reads leave it."""

import pytest
from django.core.exceptions import PermissionDenied

from comments import services as review

from comments import suggesting
from comments.models import Suggestion
from occupations import invitations, members, services
from occupations.kinds import kind_for
from occupations.models import Membership, Proposal, ProposalChange

TEXT = "Analyze clinical data to improve care."


@pytest.fixture
def scene(proposal, owner, editor, reviewer):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)
    group = services.group_create(proposal=proposal, level="major", code="29-0000", title="Healthcare", by=owner)
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text", text="Why?",
                                 start=0, end=7, quote="Analyze")
    suggestion = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text",
                                           start=8, end=16, quote="clinical", replacement="patient")
    return {"proposal": Proposal.objects.get(pk=proposal.pk), "task": task, "group": group, "thread": thread,
            "suggestion": suggestion, "owner": owner, "editor": editor, "reviewer": reviewer}


def count(scene) -> int:
    return Proposal.objects.values_list("change_count", flat=True).get(pk=scene["proposal"].pk)


WRITES = {
    "entry added": lambda s: services.entry_add(entry_kind=kind_for("task"), proposal=s["proposal"], by=s["editor"],
                                                text="Train staff."),
    "entry edited": lambda s: services.object_update(s["task"], values={"text": "Analyze data."}, base_version=1,
                                                     by=s["editor"]),
    "entry moved": lambda s: services.entry_place(
        services.entry_add(entry_kind=kind_for("task"), proposal=s["proposal"], by=s["editor"], text="Second."),
        after_id=None, by=s["editor"]),
    "entry deleted": lambda s: services.object_delete(s["task"], by=s["editor"]),
    "group added": lambda s: services.group_create(proposal=s["proposal"], level="minor", code="29-9000",
                                                   title="Other", parent=s["group"], by=s["editor"]),
    "group edited": lambda s: services.object_update(s["group"], values={"definition": "Heal."}, base_version=1,
                                                     by=s["editor"]),
    "narrative written": lambda s: services.narrative_set(proposal=s["proposal"], item="licensing", text="None.",
                                                          by=s["editor"]),
    "settings changed": lambda s: services.object_update(s["proposal"], values={"status": "in_review"},
                                                         base_version=s["proposal"].version, by=s["owner"]),
    "thread started": lambda s: review.thread_start(proposal=s["proposal"], by=s["reviewer"],
                                                    path=f"task:{s['task'].pk}", text="Too broad?"),
    "reply": lambda s: review.comment_add(thread=s["thread"], by=s["editor"], text="Because."),
    "comment edited": lambda s: review.comment_edit(comment=s["thread"].comments.first(), by=s["reviewer"],
                                                    text="Why so?"),
    "comment deleted": lambda s: review.comment_delete(comment=s["thread"].comments.first(), by=s["reviewer"]),
    "thread resolved": lambda s: review.thread_resolve(thread=s["thread"], by=s["editor"]),
    "suggestion made": lambda s: suggesting.suggestion_replace(proposal=s["proposal"], by=s["reviewer"],
                                                           path=f"task:{s['task'].pk}.text", start=0, end=7,
                                                           quote="Analyze", replacement="Study"),
    "suggestion accepted": lambda s: suggesting.suggestion_accept(suggestion=s["suggestion"], by=s["editor"]),
    "suggestion rejected": lambda s: suggesting.suggestion_reject(suggestion=s["suggestion"], by=s["editor"]),
    "suggestion discussed": lambda s: suggesting.suggestion_discuss(suggestion=s["suggestion"], by=s["editor"],
                                                                text="Hm."),
    "member's role changed": lambda s: members.member_set_role(
        membership=Membership.objects.get(proposal=s["proposal"], user=s["reviewer"]), role="editor", by=s["owner"]),
    "member removed": lambda s: members.member_remove(
        membership=Membership.objects.get(proposal=s["proposal"], user=s["reviewer"]), by=s["owner"]),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_kind_of_write_moves_the_counter(scene, write):
    before = count(scene)
    WRITES[write](scene)
    assert count(scene) > before


def test_a_member_who_accepts_an_invitation_moves_it(scene, outsider):
    outsider.email = "outsider@example.org"
    outsider.save()
    invitation, _ = invitations.invitation_create(proposal=scene["proposal"], email="outsider@example.org",
                                                  role="reviewer", by=scene["owner"])
    before = count(scene)
    invitations.invitation_accept(invitation=invitation, user=outsider)
    assert count(scene) > before


def test_a_refused_write_and_a_read_leave_it(scene, client):
    before = count(scene)
    with pytest.raises(PermissionDenied):
        suggesting.suggestion_accept(suggestion=Suggestion.objects.get(pk=scene["suggestion"].pk), by=scene["reviewer"])
    client.force_login(scene["editor"])
    client.get(f"/proposals/{scene['proposal'].pk}/")
    assert count(scene) == before


def test_a_save_of_a_stale_proposal_never_moves_it_back(scene):
    stale = Proposal.objects.get(pk=scene["proposal"].pk)
    review.thread_start(proposal=scene["proposal"], by=scene["reviewer"], path=f"task:{scene['task'].pk}",
                        text="Meanwhile.")
    moved = count(scene)
    services.object_update(stale, values={"background": "Newer."}, base_version=stale.version, by=scene["owner"])
    assert count(scene) == moved + 1


# What each write says it changed, for the open pages that follow it (ProposalChange).
ENTRY_ONLY = {"entry edited", "thread started", "reply", "comment edited", "comment deleted", "thread resolved",
              "suggestion made", "suggestion rejected", "suggestion discussed"}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_every_write_says_what_it_changed(scene, write):
    WRITES[write](scene)
    last = ProposalChange.objects.filter(proposal=scene["proposal"]).order_by("number").last()
    assert last.number == count(scene)  # one change noted for each move of the counter
    noted = set(last.paths.split("\n"))
    if write in ENTRY_ONLY:
        assert {path.partition(".")[0] for path in noted} == {f"task:{scene['task'].pk}"}
    elif write != "suggestion accepted":  # its entry's edit, then its own note
        assert noted == {"*"}


def test_an_edit_that_moves_an_entry_to_another_list_changes_the_page(scene):
    services.object_update(scene["task"], values={"group": scene["group"]}, base_version=1, by=scene["editor"])
    assert ProposalChange.objects.filter(proposal=scene["proposal"]).last().paths == "*"


def test_a_stale_full_save_does_not_put_the_counter_back(scene):
    stale = Proposal.objects.get(pk=scene["proposal"].pk)
    review.thread_start(proposal=scene["proposal"], by=scene["reviewer"], path=f"task:{scene['task'].pk}", text="Hm")
    moved = count(scene)
    stale.title = "Renamed by hand (the admin)"
    stale.save()
    assert count(scene) == moved
    assert Proposal.objects.get(pk=stale.pk).title == "Renamed by hand (the admin)"


def test_only_the_last_changes_are_kept(scene, owner):
    for number in range(services.CHANGES_KEPT + 120):
        services.touch_proposal(scene["proposal"].pk, (f"task:{number}",))
    kept = ProposalChange.objects.filter(proposal=scene["proposal"])
    assert kept.count() < services.CHANGES_KEPT + 100
    assert kept.order_by("number").last().number == count(scene)

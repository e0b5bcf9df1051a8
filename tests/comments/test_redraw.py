"""A review action answers htmx with what it changed: the card, or the entry whose words it
marks, with the review bar's totals out of band; the whole document only where more
changed (a paragraph's notes, the bulk form coming or going, a new entry accepted)."""

import re

import pytest
from django.urls import reverse

from comments import services as review
from comments.models import Suggestion
from occupations import services
from occupations.kinds import kind_for

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = "Analyze and interpret clinical data."


@pytest.fixture
def scene(proposal, owner, reviewer):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TEXT, by=owner)
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}.text", text="Which data?",
                                 start=24, end=28, quote="data")
    return {"proposal": proposal, "task": task, "thread": thread}


def url(name, proposal, *args):
    return reverse(name, args=[proposal.pk, *args])


def totals(html: str) -> str:
    found = re.search(r'<div id="review-totals"[^>]*hx-swap-oob="true">(.*?)</div>\s*(?:<select|$)', html, re.S)
    assert found, "no totals in the answer"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).split()


def test_a_reply_answers_with_its_card_and_the_totals(client, scene, owner):
    client.force_login(owner)
    response = client.post(url("comment_reply", scene["proposal"], scene["thread"].pk), {"text": "Claims data."},
                           **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#thread-{scene['thread'].pk}"
    assert html.startswith(f'<article id="thread-{scene["thread"].pk}"')
    assert "Claims data." in html and "Which data?" in html
    assert 'id="document"' not in html and f'id="task-{scene["task"].pk}"' not in html
    assert " ".join(totals(html)).startswith("1 open thread · 0 suggestions")


@pytest.mark.parametrize("size", [10, 300])
def test_a_replys_queries_do_not_grow_with_the_proposal(client, scene, owner, reviewer, size,
                                                         django_assert_max_num_queries):
    for number in range(size):
        task = services.entry_create(entry_kind=kind_for("task"), proposal=scene["proposal"], text=f"Task {number}.",
                                     by=owner)
        if number % 2:
            review.thread_start(proposal=scene["proposal"], by=reviewer, path=f"task:{task.pk}", text="Note.")
    client.force_login(owner)
    # the session and the user, the role, the reply (the counter and what changed, the mentions), the card's
    # thread and comments, the totals, the headings for the bulk form: the same at any size
    with django_assert_max_num_queries(18):
        response = client.post(url("comment_reply", scene["proposal"], scene["thread"].pk), {"text": "Yes."},
                               **HTMX)
    assert response["HX-Retarget"] == f"#thread-{scene['thread'].pk}"


def test_resolving_a_span_redraws_its_entry_and_the_totals(client, scene, owner):
    client.force_login(owner)
    response = client.post(url("thread_resolve", scene["proposal"], scene["thread"].pk), **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#task-{scene['task'].pk}"
    assert "anchor-resolved" in html  # its mark says so
    assert totals(html)[:3] == ["0", "open", "threads"] and "resolved (1)" in " ".join(totals(html))
    page = client.get(url("proposal_detail", scene["proposal"])).content.decode()
    assert "Show resolved (1)" in page  # the same totals as the page's


def test_a_comment_on_a_paragraph_answers_with_the_document(client, scene, reviewer):
    client.force_login(reviewer)
    path = f"proposal:{scene['proposal'].pk}.background"
    response = client.post(url("thread_new", scene["proposal"]), {"path": path, "kind": "comment",
                                                                   "text": "Cite the source."}, **HTMX)
    assert response["HX-Retarget"] == "#document"  # its card sits outside the paragraph


def test_a_new_comment_on_an_entry_answers_with_the_entry(client, scene, reviewer):
    client.force_login(reviewer)
    response = client.post(url("thread_new", scene["proposal"]),
                           {"path": f"task:{scene['task'].pk}.text", "kind": "question", "text": "Interpret how?",
                            "start": 12, "end": 21, "quote": "interpret"}, **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == f"#task-{scene['task'].pk}"
    assert "Interpret how?" in html and html.count("<mark") == 2
    assert totals(html)[:3] == ["2", "open", "threads"]


def test_suggestions_and_decisions_answer_with_the_entry_and_the_bulk_form(client, scene, owner, reviewer,
                                                                            editor):
    task = scene["task"]
    span = {"path": f"task:{task.pk}.text", "start": 0, "end": 7, "quote": "Analyze", "replacement": "Study"}
    client.force_login(reviewer)
    first = client.post(url("suggest_span", scene["proposal"]), span, **HTMX)
    assert first["HX-Retarget"] == f"#task-{task.pk}" and "Study" in first.content.decode()
    assert 'id="review-bulk"' not in first.content.decode()  # a reviewer decides nothing
    client.force_login(editor)
    second = client.post(url("suggest_span", scene["proposal"]), {**span, "replacement": "Examine"}, **HTMX)
    html = second.content.decode()
    assert second["HX-Retarget"] == f"#task-{task.pk}"
    assert "Examine" in html and "Study" in html
    bulk = re.search(r'<div id="review-bulk"[^>]*hx-swap-oob="true">.*?</div>', html, re.S).group(0)
    authors = re.search(r'<select id="bulk-author".*?</select>', bulk, re.S).group(0)
    assert authors.count("<option") == 3  # anyone, and the two who suggested
    assert '<option value="item-nature_of_work">' in bulk  # its sections, from the headings alone
    client.force_login(owner)
    study, examine = Suggestion.objects.filter(path=f"task:{task.pk}.text").order_by("pk")
    rejected = client.post(url("suggestion_decide", scene["proposal"], study.pk, "reject"), **HTMX)
    assert rejected["HX-Retarget"] == f"#task-{task.pk}" and "Study" not in rejected.content.decode()
    accepted = client.post(url("suggestion_decide", scene["proposal"], examine.pk, "accept"), **HTMX)
    html = accepted.content.decode()
    assert accepted["HX-Retarget"] == f"#task-{task.pk}" and "Examine and interpret" in html
    assert re.search(r'<div id="review-bulk"[^>]*hx-swap-oob="true"></div>', html)  # none left: the form goes


def test_a_suggestions_discussion_answers_with_the_suggestions_card(client, scene, reviewer, editor):
    client.force_login(reviewer)
    client.post(url("suggest_span", scene["proposal"]), {"path": f"task:{scene['task'].pk}.text", "start": 0,
                                                        "end": 7, "quote": "Analyze", "replacement": "Study"}, **HTMX)
    suggestion = Suggestion.objects.get()
    client.force_login(editor)
    response = client.post(url("suggestion_discuss", scene["proposal"], suggestion.pk), {"text": "Why study?"},
                           **HTMX)
    assert response["HX-Retarget"] == f"#suggestion-{suggestion.pk}"
    assert "Why study?" in response.content.decode()


def test_an_accepted_new_entry_redraws_the_document(client, scene, owner, reviewer):
    client.force_login(reviewer)
    client.post(url("suggest_entry_add", scene["proposal"], "task"), {"text": "Train staff.", "version": 0}, **HTMX)
    client.post(url("suggest_entry_add", scene["proposal"], "task"), {"text": "Audit data.", "version": 0}, **HTMX)
    client.force_login(owner)
    suggestion = Suggestion.objects.filter(kind=Suggestion.Kind.ADD_ENTRY).first()
    response = client.post(url("suggestion_decide", scene["proposal"], suggestion.pk, "accept"), **HTMX)
    assert response["HX-Retarget"] == "#document"
    assert "Train staff." in response.content.decode()


def test_an_observer_gets_no_partial_answer_for_what_they_may_not_do(client, scene, observer, outsider):
    client.force_login(observer)
    assert client.post(url("comment_reply", scene["proposal"], scene["thread"].pk), {"text": "Hi"},
                       **HTMX).status_code == 403
    client.force_login(outsider)
    assert client.post(url("comment_reply", scene["proposal"], scene["thread"].pk), {"text": "Hi"},
                       **HTMX).status_code == 404

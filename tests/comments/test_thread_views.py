"""Commenting and suggesting through the views, as a browser posts them: with htmx (the
document comes back, retargeted, with a "saved" event naming the place) and without (a
redirect to that place). Who may do what, what bad input does, Suggest mode end to end,
and stored-script payloads."""

import json

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from occupations import services
from occupations.entries import Skill, Task
from occupations.kinds import kind_for
from occupations.models import Membership

HTMX = {"HTTP_HX_REQUEST": "true"}
TASK_TEXT = "Analyze and interpret clinical data to improve health systems."
SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def page_url(proposal, anchor=""):
    url = reverse("proposal_detail", args=[proposal.pk])
    return f"{url}#{anchor}" if anchor else url


def send(client, method, url, data=None, htmx=False):
    return getattr(client, method)(url, data or {}, **(HTMX if htmx else {}))


def saved(response) -> dict:
    """The htmx answer after a change: what it changed (a card, an entry's row, or the
    whole document), swapped in for the element of that id, and the "saved" event with the
    place and what happened."""
    assert response.status_code == 200, response.content.decode()[:2000]
    target = response["HX-Retarget"]
    assert target.startswith("#") and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert f'id="{target[1:]}"' in html.split(">", 1)[0]  # the answer is that element
    assert "<html" not in html
    return json.loads(response["HX-Trigger"])["saved"]


def done(response, proposal, anchor: str, htmx: bool, client=None) -> str:
    """What the user sees after a change: the document (htmx) or the page they are sent
    back to (the anchor in its address). Returns that HTML."""
    if htmx:
        event = saved(response)
        assert event["anchor"] == anchor
        assert event["problem"] == ""
        return response.content.decode()
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response.url == page_url(proposal, anchor)
    page = client.get(response.url)
    assert page.status_code == 200
    return page.content.decode()


def form_answer(response, htmx: bool) -> str:
    """A form: in place (a fragment) for htmx, on a page of its own otherwise."""
    assert response.status_code == 200
    assert "HX-Retarget" not in response and "HX-Trigger" not in response
    html = response.content.decode()
    if htmx:
        assert "<html" not in html and "<body" not in html
    else:
        assert "<html" in html and "<body" in html
        assert "← Health Informatics Occupations" in html
    return html


def parse(html: str):
    return lxml_html.fromstring(html)


def textarea_value(html: str, name: str = "text") -> str:
    [area] = parse(html).xpath(f'//textarea[@name="{name}"]')
    return (area.text or "").removeprefix("\n")


def snapshot(proposal):
    """Everything a write could change."""
    return (
        list(Thread.objects.filter(proposal=proposal).order_by("pk").values_list(
            "pk", "path", "start", "end", "status", "resolved_by", "resolved_at", "assignee", "is_done")),
        list(Comment.objects.filter(thread__proposal=proposal).order_by("pk").values_list(
            "pk", "text", "is_deleted", "edited_at")),
        list(Suggestion.objects.filter(proposal=proposal).order_by("pk").values_list(
            "pk", "kind", "status", "start", "end", "is_outdated", "thread", "decided_by")),
        list(Task.objects.filter(proposal=proposal).order_by("pk").values_list("pk", "text", "version")),
    )


def span_of(text, quote):
    start = text.index(quote)
    return {"start": start, "end": start + len(quote), "quote": quote}


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TASK_TEXT, by=owner)


@pytest.fixture
def other_reviewer(member_of):
    return member_of(Membership.Role.REVIEWER, username="second-reviewer")


def start_thread(proposal, by, task, quote="interpret", text="Is this the right verb?", **fields):
    return review.thread_start(proposal=proposal, by=by, path=f"task:{task.pk}.text", text=text,
                               **span_of(task.text, quote), **fields)


def suggest(proposal, by, task, quote="clinical", replacement="patient"):
    return suggesting.suggestion_replace(proposal=proposal, by=by, path=f"task:{task.pk}.text",
                                     replacement=replacement, **span_of(task.text, quote))


# Who may do what ---------------------------------------------------------------------------

@pytest.fixture
def scene(proposal, task, editor):
    """An editor's thread, action item and suggestion on a task."""
    thread = start_thread(proposal, editor, task)
    action = start_thread(proposal, editor, task, quote="health", text="Check the figures.",
                          kind=Thread.Kind.ACTION, assignee=editor)
    suggestion = suggest(proposal, editor, task)
    return {"proposal": proposal, "task": task, "thread": thread, "action": action,
            "comment": thread.comments.get(), "suggestion": suggestion}


def _p(s):
    return s["proposal"].pk


# name, method, url, data: every write URL of comments/urls.py (and the forms they GET).
WRITES = [
    ("thread_new", "post", lambda s: reverse("thread_new", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}.text", **span_of(TASK_TEXT, "clinical"), "kind": "comment",
                "text": "Let me in"}),
    ("thread_new form", "get", lambda s: reverse("thread_new", args=[_p(s)]) + f"?path=task:{s['task'].pk}",
     lambda s: {}),
    ("comment_reply", "post", lambda s: reverse("comment_reply", args=[_p(s), s["thread"].pk]),
     lambda s: {"text": "A reply"}),
    ("comment_reply form", "get", lambda s: reverse("comment_reply", args=[_p(s), s["thread"].pk]), lambda s: {}),
    ("thread_resolve", "post", lambda s: reverse("thread_resolve", args=[_p(s), s["thread"].pk]), lambda s: {}),
    ("thread_reopen", "post", lambda s: reverse("thread_reopen", args=[_p(s), s["thread"].pk]), lambda s: {}),
    ("thread_action done", "post", lambda s: reverse("thread_action", args=[_p(s), s["action"].pk]),
     lambda s: {"is_done": "1"}),
    ("thread_action assign", "post", lambda s: reverse("thread_action", args=[_p(s), s["action"].pk]),
     lambda s: {"assignee": ""}),
    ("comment_edit", "post", lambda s: reverse("comment_edit", args=[_p(s), s["comment"].pk]),
     lambda s: {"text": "Changed"}),
    ("comment_edit form", "get", lambda s: reverse("comment_edit", args=[_p(s), s["comment"].pk]), lambda s: {}),
    ("comment_delete", "post", lambda s: reverse("comment_delete", args=[_p(s), s["comment"].pk]), lambda s: {}),
    ("suggest_text", "post", lambda s: reverse("suggest_text", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}", "base-text": TASK_TEXT, "text": TASK_TEXT.replace("data", "records")}),
    ("suggest_text form", "get", lambda s: reverse("suggest_text", args=[_p(s)]) + f"?path=task:{s['task'].pk}",
     lambda s: {}),
    ("suggest_span", "post", lambda s: reverse("suggest_span", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}.text", **span_of(TASK_TEXT, "data"), "replacement": "records"}),
    ("suggest_span form", "get", lambda s: reverse("suggest_span", args=[_p(s)]) + f"?path=task:{s['task'].pk}.text",
     lambda s: {}),
    ("suggest_entry_add", "post", lambda s: reverse("suggest_entry_add", args=[_p(s), "task"]),
     lambda s: {"text": "Train staff.", "version": "0"}),
    ("suggest_entry_add form", "get", lambda s: reverse("suggest_entry_add", args=[_p(s), "task"]), lambda s: {}),
    ("suggest_entry_remove", "post", lambda s: reverse("suggest_entry_remove", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}"}),
    ("suggestion_discuss", "post", lambda s: reverse("suggestion_discuss", args=[_p(s), s["suggestion"].pk]),
     lambda s: {"text": "Why?"}),
    ("suggestion_discuss form", "get",
     lambda s: reverse("suggestion_discuss", args=[_p(s), s["suggestion"].pk]), lambda s: {}),
    ("suggestion accept", "post", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "accept"]),
     lambda s: {}),
    ("suggestion reject", "post", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "reject"]),
     lambda s: {}),
    ("suggestion rebase", "post", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "rebase"]),
     lambda s: {}),
    ("suggestions_decide", "post", lambda s: reverse("suggestions_decide", args=[_p(s)]),
     lambda s: {"author": f"user:{s['suggestion'].created_by_id}", "decision": "accept"}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("who, status", [("outsider", 404), ("observer", 403)])
@pytest.mark.parametrize("name, method, url, data", WRITES, ids=[write[0] for write in WRITES])
def test_it_refuses_outsiders_and_observers_and_changes_nothing(client, scene, request, who, status, htmx,
                                                                name, method, url, data):
    client.force_login(request.getfixturevalue(who))
    before = snapshot(scene["proposal"])
    response = send(client, method, url(scene), data(scene), htmx)
    assert response.status_code == status
    assert "HX-Trigger" not in response
    assert snapshot(scene["proposal"]) == before


def test_it_sends_anonymous_visitors_to_log_in(client, scene):
    before = snapshot(scene["proposal"])
    for name, method, url, data in WRITES:
        response = send(client, method, url(scene), data(scene))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name
    assert snapshot(scene["proposal"]) == before


REVIEWER_REFUSED = [
    ("accept someone's suggestion", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "accept"]),
     lambda s: {}),
    ("reject someone's suggestion", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "reject"]),
     lambda s: {}),
    ("re-base someone's suggestion", lambda s: reverse("suggestion_decide", args=[_p(s), s["suggestion"].pk, "rebase"]),
     lambda s: {}),
    ("resolve someone's thread", lambda s: reverse("thread_resolve", args=[_p(s), s["thread"].pk]), lambda s: {}),
    ("assign someone's action item", lambda s: reverse("thread_action", args=[_p(s), s["action"].pk]),
     lambda s: {"assignee": ""}),
    ("mark someone's action item done", lambda s: reverse("thread_action", args=[_p(s), s["action"].pk]),
     lambda s: {"is_done": "1"}),
    ("edit someone's comment", lambda s: reverse("comment_edit", args=[_p(s), s["comment"].pk]),
     lambda s: {"text": "Mine now"}),
    ("delete someone's comment", lambda s: reverse("comment_delete", args=[_p(s), s["comment"].pk]), lambda s: {}),
    ("decide many by author", lambda s: reverse("suggestions_decide", args=[_p(s)]),
     lambda s: {"author": f"user:{s['suggestion'].created_by_id}", "decision": "accept"}),
    ("decide many by section", lambda s: reverse("suggestions_decide", args=[_p(s)]),
     lambda s: {"section": "item-nature_of_work", "decision": "reject"}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name, url, data", REVIEWER_REFUSED, ids=[item[0] for item in REVIEWER_REFUSED])
def test_it_refuses_a_reviewer_what_only_editors_or_authors_may_do(client, scene, reviewer, htmx, name, url, data):
    client.force_login(reviewer)
    before = snapshot(scene["proposal"])
    response = send(client, "post", url(scene), data(scene), htmx)
    assert response.status_code == 403
    assert snapshot(scene["proposal"]) == before


def test_it_refuses_a_reviewer_to_reopen_someone_elses_resolved_thread(client, scene, editor, reviewer):
    review.thread_resolve(thread=scene["thread"], by=editor)
    client.force_login(reviewer)
    before = snapshot(scene["proposal"])
    response = client.post(reverse("thread_reopen", args=[_p(scene), scene["thread"].pk]))
    assert response.status_code == 403
    assert snapshot(scene["proposal"]) == before


def test_it_refuses_a_reviewer_to_accept_even_their_own_suggestion(client, proposal, task, reviewer):
    mine = suggest(proposal, reviewer, task)
    client.force_login(reviewer)
    response = client.post(reverse("suggestion_decide", args=[proposal.pk, mine.pk, "accept"]))
    assert response.status_code == 403
    mine.refresh_from_db()
    task.refresh_from_db()
    assert mine.status == Suggestion.Status.OPEN and task.text == TASK_TEXT


REVIEWER_ALLOWED = [
    ("thread_new", lambda s: reverse("thread_new", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}.text", **span_of(TASK_TEXT, "clinical"), "kind": "question",
                "text": "Which data?"}),
    ("comment_reply", lambda s: reverse("comment_reply", args=[_p(s), s["thread"].pk]), lambda s: {"text": "Agreed."}),
    ("suggest_span", lambda s: reverse("suggest_span", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}.text", **span_of(TASK_TEXT, "data"), "replacement": "records"}),
    ("suggest_text", lambda s: reverse("suggest_text", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}", "base-text": TASK_TEXT, "text": TASK_TEXT.replace("data", "records")}),
    ("suggest_entry_add", lambda s: reverse("suggest_entry_add", args=[_p(s), "task"]),
     lambda s: {"text": "Train staff.", "version": "0"}),
    ("suggest_entry_remove", lambda s: reverse("suggest_entry_remove", args=[_p(s)]),
     lambda s: {"path": f"task:{s['task'].pk}"}),
    ("suggestion_discuss", lambda s: reverse("suggestion_discuss", args=[_p(s), s["suggestion"].pk]),
     lambda s: {"text": "Why this word?"}),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("name, url, data", REVIEWER_ALLOWED, ids=[item[0] for item in REVIEWER_ALLOWED])
def test_it_lets_a_reviewer_comment_and_suggest(client, scene, reviewer, htmx, name, url, data):
    client.force_login(reviewer)
    threads, comments, suggestions = Thread.objects.count(), Comment.objects.count(), Suggestion.objects.count()
    response = send(client, "post", url(scene), data(scene), htmx)
    if htmx:
        saved(response)
    else:
        assert response.status_code == 302
        assert response.url.startswith(page_url(scene["proposal"]) + "#")
    made = (Thread.objects.count() - threads, Comment.objects.count() - comments,
            Suggestion.objects.count() - suggestions)
    # A new thread has its first comment; a suggestion's first comment opens its discussion.
    assert made == {"thread_new": (1, 1, 0), "comment_reply": (0, 1, 0), "suggestion_discuss": (1, 1, 0)}.get(
        name, (0, 0, 1))
    newest = [model.objects.order_by("-pk").first() for model in (Thread, Comment, Suggestion)]
    assert newest[1].author == reviewer or made[1] == 0
    assert newest[2].created_by == reviewer or made[2] == 0
    scene["task"].refresh_from_db()
    assert (scene["task"].text, scene["task"].version) == (TASK_TEXT, 1)  # never the text itself


def test_it_lets_a_reviewer_resolve_and_reopen_their_own_thread(client, proposal, task, reviewer):
    thread = start_thread(proposal, reviewer, task)
    client.force_login(reviewer)
    response = client.post(reverse("thread_resolve", args=[proposal.pk, thread.pk]))
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == Thread.Status.RESOLVED and thread.resolved_by == reviewer
    assert client.post(reverse("thread_reopen", args=[proposal.pk, thread.pk])).status_code == 302
    thread.refresh_from_db()
    assert thread.status == Thread.Status.OPEN


def test_it_lets_a_reviewer_withdraw_their_own_suggestion(client, proposal, task, reviewer):
    mine = suggest(proposal, reviewer, task)
    client.force_login(reviewer)
    response = client.post(reverse("suggestion_decide", args=[proposal.pk, mine.pk, "reject"]), **HTMX)
    assert saved(response)["message"] == "Suggestion rejected."
    mine.refresh_from_db()
    assert mine.status == Suggestion.Status.REJECTED and mine.decided_by == reviewer


def test_it_lets_the_assignee_mark_an_action_item_done(client, proposal, task, editor, reviewer):
    action = start_thread(proposal, editor, task, kind=Thread.Kind.ACTION, assignee=reviewer)
    client.force_login(reviewer)
    response = client.post(reverse("thread_action", args=[proposal.pk, action.pk]), {"is_done": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.is_done


def test_it_is_not_found_for_another_proposals_thread(client, proposal, task, editor, owner):
    other = services.proposal_create(title="Another", revision_cycle="2028 SOC", created_by=owner)
    services.membership_set(proposal=other, user=editor, role=Membership.Role.EDITOR, by=owner)
    thread = start_thread(proposal, editor, task)
    client.force_login(editor)
    assert client.post(reverse("comment_reply", args=[other.pk, thread.pk]), {"text": "Hi"}).status_code == 404
    assert client.post(reverse("thread_resolve", args=[other.pk, thread.pk])).status_code == 404
    assert thread.comments.count() == 1


def test_it_never_reaches_into_another_proposal(client, proposal, task, reviewer, owner):
    """A member of one proposal naming another proposal's entry in a path gets nothing of it."""
    other = services.proposal_create(title="Another", revision_cycle="2028 SOC", created_by=owner)
    secret = services.entry_create(entry_kind=kind_for("task"), proposal=other, text="Secret words.", by=owner)
    theirs = suggest(other, owner, secret, quote="Secret", replacement="Open")
    client.force_login(reviewer)
    span = {"path": f"task:{secret.pk}.text", "start": "0", "end": "6", "quote": "Secret"}
    html = form_answer(client.post(reverse("thread_new", args=[proposal.pk]), {**span, "kind": "comment",
                                                                               "text": "Peek"}), htmx=False)
    assert "That text is not in the proposal any more." in html and "Secret words" not in html
    html = form_answer(client.post(reverse("thread_new", args=[proposal.pk]),
                                   {"path": f"task:{secret.pk}", "kind": "comment", "text": "Peek"}), htmx=False)
    assert "That part of the proposal is not there any more." in html
    html = form_answer(client.post(reverse("suggest_span", args=[proposal.pk]), {**span, "replacement": "x"}),
                       htmx=False)
    assert "That text is not in the proposal any more." in html
    assert client.get(reverse("suggest_text", args=[proposal.pk]) + f"?path=task:{secret.pk}").status_code == 404
    response = client.post(reverse("suggest_entry_remove", args=[proposal.pk]), {"path": f"task:{secret.pk}"}, **HTMX)
    assert saved(response)["problem"] == "That entry is not in the proposal any more."
    assert client.post(reverse("suggestion_discuss", args=[proposal.pk, theirs.pk]),
                       {"text": "Hi"}).status_code == 404
    assert Thread.objects.count() == 0 and Suggestion.objects.count() == 1
    client.force_login(owner)
    assert client.post(reverse("suggestion_decide", args=[proposal.pk, theirs.pk, "accept"])).status_code == 404
    assert client.post(reverse("comment_edit", args=[proposal.pk, 999999]), {"text": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "open"


# Threads: happy paths ------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_starts_a_thread_on_selected_words(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "kind": "question",
        "text": "Interpret, or analyze?",
    }, htmx)
    thread = Thread.objects.get()
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert (thread.path, thread.start, thread.end, thread.quote, thread.original_quote) == (
        f"task:{task.pk}.text", 12, 21, "interpret", "interpret")
    assert (thread.kind, thread.status, thread.created_by) == ("question", "open", reviewer)
    assert [(c.author, c.text) for c in thread.comments.all()] == [(reviewer, "Interpret, or analyze?")]
    assert f'<mark class="anchor" data-thread="{thread.pk}"><span data-o="12">interpret</span></mark>' in html
    assert f'id="thread-{thread.pk}"' in html and "Interpret, or analyze?" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_starts_a_thread_on_a_whole_entry(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]),
                    {"path": f"task:{task.pk}", "kind": "comment", "text": "Merge with the next task?"}, htmx)
    thread = Thread.objects.get()
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert (thread.path, thread.start, thread.end, thread.quote) == (f"task:{task.pk}", None, None, "")
    assert "On the whole task" in html and "“Analyze and interpret clinical data to improve health…”" in html
    assert "Merge with the next task?" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_starts_an_action_item_for_a_member(client, proposal, task, editor, reviewer, htmx):
    client.force_login(editor)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "kind": "action", "assignee": str(reviewer.pk), "text": "Find a source.",
    }, htmx)
    thread = Thread.objects.get()
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert thread.kind == "action" and thread.assignee == reviewer
    assert "for Reviewer" in html and "Mark done" in html


def test_it_refuses_to_assign_an_action_item_to_an_outsider(client, proposal, task, editor, outsider):
    client.force_login(editor)
    response = client.post(reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "kind": "action", "assignee": str(outsider.pk), "text": "Find a source.",
    }, **HTMX)
    html = form_answer(response, htmx=True)
    assert "Select a valid choice" in html
    assert textarea_value(html) == "Find a source."
    assert not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_shows_the_new_thread_form_for_the_selected_words(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    query = f"?path=task:{task.pk}.text&start=12&end=21&quote=interpret"
    response = send(client, "get", reverse("thread_new", args=[proposal.pk]) + query, htmx=htmx)
    html = form_answer(response, htmx)
    doc = parse(html)
    [form] = doc.xpath('//form[@aria-label="New comment"]')
    assert form.get("action") == f"/proposals/{proposal.pk}/threads/new/"
    assert "Comment on “interpret”" in form.text_content()
    hidden = {field.get("name"): field.get("value") for field in form.xpath('.//input[@type="hidden"]')}
    assert {k: hidden[k] for k in ("path", "start", "end", "quote")} == {
        "path": f"task:{task.pk}.text", "start": "12", "end": "21", "quote": "interpret"}
    assert form.xpath('.//textarea[@name="text"]') and form.xpath('.//select[@name="kind"]')
    assert not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_adds_a_reply(client, proposal, task, editor, reviewer, htmx):
    thread = start_thread(proposal, editor, task)
    client.force_login(reviewer)
    response = send(client, "post", reverse("comment_reply", args=[proposal.pk, thread.pk]),
                    {"text": "Yes, interpret."}, htmx)
    reply = thread.comments.last()
    html = done(response, proposal, f"comment-{reply.pk}", htmx, client)
    assert (reply.author, reply.text) == (reviewer, "Yes, interpret.")
    card = parse(html).xpath(f'//article[@id="thread-{thread.pk}"]')[0]
    assert [li.get("id") for li in card.xpath('.//li[contains(@class, "review-comment")]')] == [
        f"comment-{thread.comments.first().pk}", f"comment-{reply.pk}"]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_shows_the_reply_and_discuss_forms(client, proposal, task, editor, reviewer, htmx):
    thread = start_thread(proposal, editor, task)
    suggestion = suggest(proposal, editor, task)
    client.force_login(reviewer)
    html = form_answer(send(client, "get", reverse("comment_reply", args=[proposal.pk, thread.pk]), htmx=htmx), htmx)
    [form] = parse(html).xpath("//form[.//textarea[@name='text']]")
    assert form.get("action") == f"/proposals/{proposal.pk}/threads/{thread.pk}/reply/"
    html = form_answer(send(client, "get", reverse("suggestion_discuss", args=[proposal.pk, suggestion.pk]),
                            htmx=htmx), htmx)
    [form] = parse(html).xpath("//form[.//textarea[@name='text']]")
    assert form.get("action") == f"/proposals/{proposal.pk}/suggestions/{suggestion.pk}/discuss/"
    assert "This field is required." not in html  # an unbound form: no error before anything is typed
    assert thread.comments.count() == 1 and suggestion.thread is None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_edits_your_own_comment(client, proposal, task, reviewer, htmx):
    thread = start_thread(proposal, reviewer, task, text="Frist thought")
    comment = thread.comments.get()
    client.force_login(reviewer)
    url = reverse("comment_edit", args=[proposal.pk, comment.pk])
    form = form_answer(send(client, "get", url, htmx=htmx), htmx)
    assert textarea_value(form) == "Frist thought"
    response = send(client, "post", url, {"text": "First thought"}, htmx)
    html = done(response, proposal, f"comment-{comment.pk}", htmx, client)
    comment.refresh_from_db()
    assert comment.text == "First thought" and comment.edited_at is not None
    assert "First thought" in html and "(edited)" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_deletes_a_comment_that_has_replies_leaving_comment_deleted(client, proposal, task, editor, reviewer,
                                                                        htmx):
    thread = start_thread(proposal, reviewer, task, text="Regrettable words")
    first = thread.comments.get()
    review.comment_add(thread=thread, by=editor, text="I disagree.")
    client.force_login(reviewer)
    response = send(client, "post", reverse("comment_delete", args=[proposal.pk, first.pk]), htmx=htmx)
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    first.refresh_from_db()
    assert first.is_deleted and first.text == ""
    assert "Regrettable words" not in html
    assert "Comment deleted" in html and "I disagree." in html
    if htmx:
        assert saved(response)["message"] == "Comment deleted."


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_deletes_a_thread_with_its_only_comment(client, proposal, task, reviewer, htmx):
    thread = start_thread(proposal, reviewer, task, text="Never mind")
    client.force_login(reviewer)
    response = send(client, "post", reverse("comment_delete", args=[proposal.pk, thread.comments.get().pk]),
                    htmx=htmx)
    assert response.status_code in (200, 302)
    assert not Thread.objects.exists() and not Comment.objects.exists()
    html = response.content.decode() if htmx else client.get(response.url).content.decode()
    assert "Never mind" not in html and f'data-thread="{thread.pk}"' not in html


def test_it_goes_back_to_the_entry_after_deleting_a_threads_only_comment(client, proposal, task, reviewer):
    """The thread is gone, but the reader was at the entry: a plain browser should be sent
    back there, not to the top of a long page."""
    thread = start_thread(proposal, reviewer, task, text="Never mind")
    client.force_login(reviewer)
    response = client.post(reverse("comment_delete", args=[proposal.pk, thread.comments.get().pk]))
    assert response.status_code == 302
    assert response.url == page_url(proposal, f"task-{task.pk}")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_resolves_and_reopens_a_thread(client, proposal, task, reviewer, editor, htmx):
    thread = start_thread(proposal, reviewer, task)
    client.force_login(editor)
    response = send(client, "post", reverse("thread_resolve", args=[proposal.pk, thread.pk]), htmx=htmx)
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    thread.refresh_from_db()
    assert thread.status == "resolved" and thread.resolved_by == editor and thread.resolved_at is not None
    assert "status-resolved" in parse(html).xpath(f'//article[@id="thread-{thread.pk}"]')[0].get("class")
    assert "Show resolved (1)" in html
    assert ("Resolved." in html) != htmx  # the message: in the page, or in the "saved" event
    response = send(client, "post", reverse("thread_reopen", args=[proposal.pk, thread.pk]), htmx=htmx)
    done(response, proposal, f"thread-{thread.pk}", htmx, client)
    thread.refresh_from_db()
    assert thread.status == "open"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_assigns_an_action_item_and_marks_it_done(client, proposal, task, editor, reviewer, htmx):
    action = start_thread(proposal, editor, task, kind=Thread.Kind.ACTION)
    client.force_login(editor)
    url = reverse("thread_action", args=[proposal.pk, action.pk])
    done(send(client, "post", url, {"assignee": str(reviewer.pk)}, htmx), proposal, f"thread-{action.pk}", htmx,
         client)
    html = done(send(client, "post", url, {"is_done": "1"}, htmx), proposal, f"thread-{action.pk}", htmx, client)
    action.refresh_from_db()
    assert action.assignee == reviewer and action.is_done
    assert "<strong>done</strong>" in html and "Not done" in html


def test_it_says_so_when_an_action_item_is_assigned_to_a_non_member(client, proposal, task, editor, outsider):
    action = start_thread(proposal, editor, task, kind=Thread.Kind.ACTION, assignee=editor)
    client.force_login(editor)
    response = client.post(reverse("thread_action", args=[proposal.pk, action.pk]),
                           {"assignee": str(outsider.pk)}, **HTMX)
    assert saved(response)["problem"] == "That person is not a member of this proposal."
    action.refresh_from_db()
    assert action.assignee == editor


# Suggestions: happy paths -------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_suggests_a_change_to_selected_words(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("suggest_span", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "replacement": "review",
        "note": "Plainer.",
    }, htmx)
    suggestion = Suggestion.objects.get()
    html = done(response, proposal, f"suggestion-{suggestion.pk}", htmx, client)
    assert (suggestion.start, suggestion.end, suggestion.quote, suggestion.replacement) == (12, 21, "interpret",
                                                                                           "review")
    assert [c.text for c in suggestion.thread.comments.all()] == ["Plainer."]
    assert f'<del class="suggested-del" data-suggestion="{suggestion.pk}"><span data-o="12">interpret</span></del>' \
        in html
    assert f'<ins class="suggested-ins" data-suggestion="{suggestion.pk}" data-at="21">review</ins>' in html
    task.refresh_from_db()
    assert task.text == TASK_TEXT and task.version == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_shows_the_span_suggestion_form_with_the_words_to_change(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    query = f"?path=task:{task.pk}.text&start=12&end=21&quote=interpret"
    html = form_answer(send(client, "get", reverse("suggest_span", args=[proposal.pk]) + query, htmx=htmx), htmx)
    assert "Suggest a change to “interpret”" in html
    assert textarea_value(html, "replacement") == "interpret"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_shows_the_suggest_mode_form_with_the_entrys_text(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    url = reverse("suggest_text", args=[proposal.pk]) + f"?path=task:{task.pk}"
    html = form_answer(send(client, "get", url, htmx=htmx), htmx)
    doc = parse(html)
    assert doc.xpath('string(//input[@name="base-text"]/@value)') == TASK_TEXT
    assert textarea_value(html) == TASK_TEXT
    assert "Suggest changes to this task" in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_suggests_a_new_entry(client, proposal, task, reviewer, owner, htmx):
    client.force_login(reviewer)
    url = reverse("suggest_entry_add", args=[proposal.pk, "task"])
    form = form_answer(send(client, "get", url, htmx=htmx), htmx)
    assert "Suggest a new task" in form and 'name="text"' in form
    response = send(client, "post", url, {"text": "Train staff on new systems.", "version": "0",
                                          "note": "Missing."}, htmx)
    suggestion = Suggestion.objects.get()
    html = done(response, proposal, f"suggestion-{suggestion.pk}", htmx, client)
    assert suggestion.kind == "add_entry" and suggestion.entry_values["text"] == "Train staff on new systems."
    assert "Suggested new entry" in html and "Train staff on new systems." in html
    assert Task.objects.count() == 1
    client.force_login(owner)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]),
                    htmx=htmx)
    assert response.status_code in (200, 302)
    assert list(Task.objects.order_by("position").values_list("text", flat=True)) == [
        TASK_TEXT, "Train staff on new systems."]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_suggests_removing_an_entry_and_accepting_removes_it(client, proposal, task, reviewer, editor, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("suggest_entry_remove", args=[proposal.pk]),
                    {"path": f"task:{task.pk}"}, htmx)
    suggestion = Suggestion.objects.get()
    html = done(response, proposal, f"suggestion-{suggestion.pk}", htmx, client)
    assert suggestion.kind == "remove_entry" and suggestion.path == f"task:{task.pk}"
    assert "Suggested removal" in html
    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]),
                    htmx=htmx)
    assert response.status_code in (200, 302)
    assert not Task.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_discusses_a_suggestion(client, proposal, task, reviewer, editor, htmx):
    suggestion = suggest(proposal, reviewer, task)
    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_discuss", args=[proposal.pk, suggestion.pk]),
                    {"text": "Patient data is narrower."}, htmx)
    suggestion.refresh_from_db()
    comment = suggestion.thread.comments.get()
    html = done(response, proposal, f"comment-{comment.pk}", htmx, client)
    card = parse(html).xpath(f'//article[@id="suggestion-{suggestion.pk}"]')[0]
    assert "Patient data is narrower." in card.text_content()
    # A discussion is not one more open thread.
    assert " ".join(parse(html).xpath('string(//span[contains(@class, "review-totals")])').split()) == \
        "0 open threads · 1 suggestion"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_accepts_a_suggestion_into_the_text(client, proposal, task, reviewer, editor, htmx):
    suggestion = suggest(proposal, reviewer, task)
    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]),
                    htmx=htmx)
    html = done(response, proposal, f"task-{task.pk}", htmx, client)
    task.refresh_from_db()
    suggestion.refresh_from_db()
    assert task.text == "Analyze and interpret patient data to improve health systems." and task.version == 2
    assert suggestion.status == "accepted" and suggestion.decided_by == editor
    assert "Analyze and interpret patient data" in html
    assert f'data-suggestion="{suggestion.pk}"' not in html
    history = task.history.order_by("-history_date").first()
    assert history.history_user == editor and "Accepted a suggestion by Reviewer Tester" in history.history_change_reason
    if htmx:
        assert saved(response)["message"] == "Suggestion accepted."


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_rejects_a_suggestion(client, proposal, task, reviewer, editor, htmx):
    suggestion = suggest(proposal, reviewer, task)
    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "reject"]),
                    htmx=htmx)
    assert response.status_code in (200, 302)
    suggestion.refresh_from_db()
    task.refresh_from_db()
    assert suggestion.status == "rejected" and task.text == TASK_TEXT
    html = response.content.decode() if htmx else client.get(response.url).content.decode()
    assert f'data-suggestion="{suggestion.pk}"' not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_rebases_an_outdated_suggestion_then_accepts_it(client, proposal, task, reviewer, editor, htmx):
    suggestion = suggest(proposal, reviewer, task, quote="clinical data", replacement="patient records")
    services.object_update(task, values={"text": "Analyze clinical data and interpret it to improve health systems."},
                           base_version=task.version, by=editor)
    client.force_login(editor)
    accept = reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"])
    suggestion.refresh_from_db()
    assert suggestion.is_outdated
    refused = send(client, "post", accept, htmx=True)
    assert "Re-base it onto the text as it is now" in saved(refused)["problem"]
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "rebase"]),
                    htmx=htmx)
    html = done(response, proposal, f"suggestion-{suggestion.pk}", htmx, client)
    suggestion.refresh_from_db()
    assert not suggestion.is_outdated and (suggestion.start, suggestion.quote) == (8, "clinical data")
    assert "Accept" in parse(html).xpath(f'string(//article[@id="suggestion-{suggestion.pk}"])')
    send(client, "post", accept, htmx=htmx)
    task.refresh_from_db()
    assert task.text == "Analyze patient records and interpret it to improve health systems."


@pytest.mark.parametrize("where", ["task", "group title", "section", "narrative"])
def test_it_goes_back_to_the_changed_text_after_accepting(client, proposal, owner, reviewer, where):
    """The page is sent to the place the accepted change is in; that place has to be on
    the page, or the reader lands at the top of a long document."""
    if where == "task":
        obj = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Health IT grows.",
                                    by=owner)
        path, text = f"task:{obj.pk}.text", obj.text
    elif where == "group title":
        obj = services.group_create(proposal=proposal, level="major", code="29-0000", title="Health IT", by=owner)
        path, text = f"group:{obj.pk}.title", obj.title
    elif where == "section":
        proposal = obj = services.object_update(proposal, values={"background": "Health IT grows."},
                                                base_version=proposal.version, by=owner)
        path, text = f"proposal:{proposal.pk}.background", obj.background
    else:
        obj = services.narrative_set(proposal=proposal, item="nature_of_work", text="Health IT grows.", by=owner)
        path, text = f"narrative:{obj.pk}.text", obj.text
    suggestion = suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=path, replacement="Clinical IT",
                                           **span_of(text, "Health IT"))
    client.force_login(owner)
    response = client.post(reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]))
    assert response.status_code == 302
    anchor = response.url.partition("#")[2]
    page = parse(client.get(response.url).content.decode())
    assert anchor and page.xpath(f'//*[@id="{anchor}"]'), f"#{anchor} is not on the page"
    assert "Clinical IT" in page.xpath(f'string(//*[@id="{anchor}"])')


def test_it_goes_back_to_the_text_after_rejecting(client, proposal, task, reviewer, editor):
    """The rejected suggestion's card is gone from the page; the redirect should name a
    place that is still there (its entry), not #suggestion-<pk>."""
    suggestion = suggest(proposal, reviewer, task)
    client.force_login(editor)
    response = client.post(reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "reject"]))
    assert response.status_code == 302
    anchor = response.url.partition("#")[2]
    page = parse(client.get(response.url).content.decode())
    assert page.xpath(f'//*[@id="{anchor}"]'), f"#{anchor} is not on the page"


def test_it_says_when_a_suggestion_was_already_decided(client, proposal, task, reviewer, editor, owner):
    suggestion = suggest(proposal, reviewer, task)
    suggesting.suggestion_reject(suggestion=suggestion, by=owner)
    client.force_login(editor)
    response = client.post(reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]), **HTMX)
    assert saved(response)["problem"] == "Someone has already decided this suggestion."
    task.refresh_from_db()
    assert task.text == TASK_TEXT


def test_it_is_not_found_for_an_unknown_decision(client, proposal, task, reviewer, editor):
    suggestion = suggest(proposal, reviewer, task)
    client.force_login(editor)
    assert client.post(reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "apply"])).status_code == 404
    assert client.post(reverse("suggestions_decide", args=[proposal.pk]), {"author": "user:1",
                                                                           "decision": "apply"}).status_code == 404
    assert client.post(reverse("suggestions_decide", args=[proposal.pk]), {"decision": "accept"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


# Bad input keeps what was typed -------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("typed", ["", "   \n  "], ids=["empty", "blank"])
def test_it_refuses_an_empty_comment_and_keeps_the_selection(client, proposal, task, reviewer, htmx, typed):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "kind": "question", "text": typed,
    }, htmx)
    html = form_answer(response, htmx)
    assert "This field is required." in html
    doc = parse(html)
    assert doc.xpath('string(//input[@name="quote"]/@value)') == "interpret"
    assert doc.xpath('string(//select[@name="kind"]/option[@selected]/@value)') == "question"
    assert "Comment on “interpret”" in html
    assert not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_refuses_an_empty_reply(client, proposal, task, reviewer, htmx):
    thread = start_thread(proposal, reviewer, task)
    client.force_login(reviewer)
    response = send(client, "post", reverse("comment_reply", args=[proposal.pk, thread.pk]), {"text": " "}, htmx)
    html = form_answer(response, htmx)
    assert "This field is required." in html
    assert thread.comments.count() == 1


LONG = ("A long comment about the wording of this task. " * 220)[:10_001]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("where", ["thread_new", "comment_reply", "comment_edit", "suggestion_discuss"])
def test_it_refuses_a_comment_over_the_limit_and_keeps_the_text(client, proposal, task, reviewer, htmx, where):
    assert len(LONG) == 10_001
    thread = start_thread(proposal, reviewer, task, text="Short.")
    suggestion = suggest(proposal, reviewer, task)
    comment = thread.comments.get()
    url, data = {
        "thread_new": (reverse("thread_new", args=[proposal.pk]),
                       {"path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "health"), "kind": "comment"}),
        "comment_reply": (reverse("comment_reply", args=[proposal.pk, thread.pk]), {}),
        "comment_edit": (reverse("comment_edit", args=[proposal.pk, comment.pk]), {}),
        "suggestion_discuss": (reverse("suggestion_discuss", args=[proposal.pk, suggestion.pk]), {}),
    }[where]
    before = snapshot(proposal)
    client.force_login(reviewer)
    html = form_answer(send(client, "post", url, {**data, "text": LONG}, htmx), htmx)
    assert "This is 10001 characters long; the limit is 10000." in html
    assert textarea_value(html) == LONG
    assert snapshot(proposal) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_takes_a_comment_of_exactly_the_limit(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]),
                    {"path": f"task:{task.pk}", "kind": "comment", "text": LONG[:10_000]}, htmx)
    thread = Thread.objects.get()
    done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert thread.comments.get().text == LONG[:10_000].strip()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_asks_to_select_again_when_the_selected_words_are_gone(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", "start": "12", "end": "26", "quote": "interpretation",
        "kind": "comment", "text": "My careful words",
    }, htmx)
    html = form_answer(response, htmx)
    assert "The text you selected has changed since the page was loaded. Select it again." in html
    assert textarea_value(html) == "My careful words"
    assert not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_asks_to_select_again_for_a_suggestion_on_words_that_are_gone(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("suggest_span", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", "start": "12", "end": "26", "quote": "interpretation",
        "replacement": "reading", "note": "Shorter",
    }, htmx)
    html = form_answer(response, htmx)
    assert "Select it again." in html
    assert textarea_value(html, "replacement") == "reading"
    assert textarea_value(html, "note") == "Shorter"
    assert not Suggestion.objects.exists()


def test_it_finds_selected_words_that_moved_since_the_page_was_loaded(client, proposal, task, reviewer, owner):
    services.object_update(task, values={"text": "First, " + TASK_TEXT}, base_version=task.version, by=owner)
    client.force_login(reviewer)
    response = client.post(reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "kind": "comment", "text": "Here",
    })
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert (thread.start, thread.end, thread.quote) == (19, 28, "interpret")


def test_it_refuses_a_selection_that_ends_before_it_starts(client, proposal, task, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", "start": "20", "end": "10", "kind": "comment", "text": "Backwards",
    })
    html = form_answer(response, htmx=False)
    assert "A selection cannot end before it starts." in html
    assert textarea_value(html) == "Backwards"
    assert not Thread.objects.exists()


def test_it_says_when_the_text_commented_on_is_gone(client, proposal, task, reviewer, owner):
    path = f"task:{task.pk}.text"
    services.object_delete(task, by=owner)
    client.force_login(reviewer)
    response = client.post(reverse("thread_new", args=[proposal.pk]),
                           {"path": path, **span_of(TASK_TEXT, "interpret"), "kind": "comment", "text": "Late"})
    html = form_answer(response, htmx=False)
    assert "That text is not in the proposal any more. Reload the page." in html
    assert textarea_value(html) == "Late"
    assert not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_cleans_control_characters_from_comments(client, proposal, task, reviewer, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "kind": "comment", "text": "  Bell\x07 and null\x00 here\r\nnext\tline\x1b  ",
    }, htmx)
    thread = Thread.objects.get()
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert thread.comments.get().text == "Bell and null here\nnext line"
    assert "Bell and null here<br>next line" in html
    assert "\x07" not in html and "\x00" not in html


def test_it_cleans_control_characters_from_suggestions(client, proposal, task, reviewer):
    client.force_login(reviewer)
    client.post(reverse("suggest_span", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "replacement": "re\x00view\x07",
    })
    client.post(reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": TASK_TEXT, "text": TASK_TEXT.replace("health", "he\x00alth care\x07"),
    })
    assert sorted(item.strip() for item in Suggestion.objects.values_list("replacement", flat=True)) == [
        "care", "review"]
    assert not [item for item in Suggestion.objects.values_list("replacement", flat=True)
                if "\x00" in item or "\x07" in item]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
@pytest.mark.parametrize("typed", [TASK_TEXT, TASK_TEXT + "  ", "\x00" + TASK_TEXT], ids=["same", "spaces", "control"])
def test_it_says_nothing_was_changed_in_suggest_mode(client, proposal, task, reviewer, htmx, typed):
    client.force_login(reviewer)
    response = send(client, "post", reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": TASK_TEXT, "text": typed, "note": "My reason",
    }, htmx)
    html = form_answer(response, htmx)
    assert "Nothing was changed, so there is nothing to suggest." in html
    assert textarea_value(html, "note") == "My reason"
    assert not Suggestion.objects.exists() and not Thread.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_keeps_a_suggest_mode_edit_whose_words_someone_changed_meanwhile(client, proposal, task, reviewer,
                                                                            owner, htmx):
    services.object_update(task, values={"text": TASK_TEXT.replace("interpret", "read")},
                           base_version=task.version, by=owner)
    client.force_login(reviewer)
    typed = TASK_TEXT.replace("interpret", "explain")
    response = send(client, "post", reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": TASK_TEXT, "text": typed,
    }, htmx)
    html = form_answer(response, htmx)
    assert "Someone changed these words while you were writing." in html
    assert textarea_value(html) == typed
    assert parse(html).xpath('string(//input[@name="base-text"]/@value)') == TASK_TEXT
    assert not Suggestion.objects.exists()


def test_it_carries_a_suggest_mode_edit_onto_text_that_changed_elsewhere(client, proposal, task, reviewer, owner):
    services.object_update(task, values={"text": "First, " + TASK_TEXT}, base_version=task.version, by=owner)
    client.force_login(reviewer)
    response = client.post(reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": TASK_TEXT, "text": TASK_TEXT.replace("health", "care"),
    })
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    task.refresh_from_db()
    assert task.text[suggestion.start:suggestion.end] == suggestion.quote == "health"


@pytest.mark.parametrize("field", ["narrative", "section"])
def test_it_takes_a_suggest_mode_edit_of_several_lines_as_a_browser_posts_it(client, proposal, owner, reviewer,
                                                                             field):
    """A browser submitting a form without htmx sends every line break as CRLF, in the
    hidden base-<field> as in the textarea. The one word changed is the one suggestion."""
    text = "Workers manage health information systems.\nThey also teach."
    if field == "narrative":
        path = f"narrative:{services.narrative_set(proposal=proposal, item='nature_of_work', text=text, by=owner).pk}"
        path, name = f"{path}.text", "text"
    else:
        services.object_update(proposal, values={"background": text}, base_version=proposal.version, by=owner)
        path, name = f"proposal:{proposal.pk}.background", "background"
    client.force_login(reviewer)
    response = client.post(reverse("suggest_text", args=[proposal.pk]), {
        "path": path, f"base-{name}": text.replace("\n", "\r\n"),
        name: text.replace("\n", "\r\n").replace("teach", "train"),
    })
    assert response.status_code == 302, parse(response.content.decode()).xpath(
        'string(//div[contains(@class, "alert-danger")])')
    [suggestion] = Suggestion.objects.all()
    assert (suggestion.quote, suggestion.replacement) == ("teach", "train")
    assert text[suggestion.start:suggestion.end] == "teach"


def test_it_is_not_found_for_a_suggestion_on_what_is_not_there(client, proposal, task, reviewer):
    client.force_login(reviewer)
    url = reverse("suggest_text", args=[proposal.pk])
    assert client.get(url + "?path=task:999999").status_code == 404
    assert client.get(url + "?path=nonsense").status_code == 404
    assert client.get(url + f"?path=task:{task.pk}.version").status_code == 404
    assert client.get(reverse("suggest_entry_add", args=[proposal.pk, "spaceship"])).status_code == 404


# Suggest mode, end to end -------------------------------------------------------------------

def suggest_edit(client, proposal, task, new_text, *, htmx=False):
    return send(client, "post", reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": task.text, "text": new_text, "note": "Two words.",
    }, htmx)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_turns_a_suggest_mode_edit_into_suggestions_and_accepts_them_one_by_one(client, proposal, task,
                                                                                    reviewer, editor, htmx):
    client.force_login(reviewer)
    response = suggest_edit(client, proposal, task, "Review and interpret clinical data to improve care systems.",
                            htmx=htmx)
    first, second = Suggestion.objects.order_by("start")
    html = done(response, proposal, f"suggestion-{first.pk}", htmx, client)
    if htmx:
        assert saved(response)["message"] == "2 changes suggested."
    assert (first.quote, first.replacement, first.start) == ("Analyze", "Review", 0)
    assert (second.quote, second.replacement, second.start) == ("health", "care", 47)
    assert [c.text for c in first.thread.comments.all()] == ["Two words."] and second.thread is None
    for suggestion in (first, second):
        assert f'<del class="suggested-del" data-suggestion="{suggestion.pk}">' in html
    task.refresh_from_db()
    assert task.text == TASK_TEXT and task.version == 1

    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, first.pk, "accept"]), htmx=htmx)
    html = done(response, proposal, f"task-{task.pk}", htmx, client)
    task.refresh_from_db()
    second.refresh_from_db()
    assert task.text == "Review and interpret clinical data to improve health systems." and task.version == 2
    # The other one moved with its word, and is still shown there.
    assert (second.start, second.end, second.quote, second.is_outdated) == (46, 52, "health", False)
    assert task.text[second.start:second.end] == "health"
    doc = parse(html)
    [deleted] = doc.xpath(f'//del[@data-suggestion="{second.pk}"]')
    assert deleted.text_content() == "health"
    assert deleted.xpath('string(.//span/@data-o)') == "46"
    assert doc.xpath(f'string(//ins[@data-suggestion="{second.pk}"]/@data-at)') == "52"
    assert not doc.xpath(f'//*[@data-suggestion="{first.pk}"]')
    assert "Accept" in doc.xpath(f'string(//article[@id="suggestion-{second.pk}"])')

    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, second.pk, "reject"]), htmx=htmx)
    assert response.status_code in (200, 302)
    second.refresh_from_db()
    task.refresh_from_db()
    assert second.status == "rejected"
    assert task.text == "Review and interpret clinical data to improve health systems." and task.version == 2
    assert not Suggestion.objects.filter(status="open").exists()


@pytest.fixture
def many(proposal, task, owner, reviewer, other_reviewer):
    """Suggestions by two reviewers and one external one, in two sections."""
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Listening",
                                  description="Giving full attention to what people say.", by=owner)
    second_task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                                        text="Maintain records of patient care.", by=owner)
    mine = [
        suggest(proposal, reviewer, task, "Analyze", "Review"),
        suggest(proposal, reviewer, task, "health", "care"),
        suggest(proposal, reviewer, second_task, "Maintain", "Keep"),
        suggesting.suggestion_replace(proposal=proposal, by=reviewer, path=f"skill:{skill.pk}.description",
                                  replacement="complete", **span_of(skill.description, "full")),
    ]
    theirs = suggest(proposal, other_reviewer, task, "clinical", "patient")
    external = Suggestion.objects.create(
        proposal=proposal, path=f"task:{second_task.pk}.text", author_name="Connie White Delaney",
        replacement="patients'", original_quote="patient", **span_of(second_task.text, "patient"),
    )
    return {"mine": mine, "theirs": theirs, "external": external, "task": task, "second_task": second_task,
            "skill": skill}


def statuses(*suggestions):
    return [Suggestion.objects.get(pk=item.pk).status for item in suggestions]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_accepts_everything_by_one_reviewer(client, proposal, many, reviewer, editor, htmx):
    client.force_login(editor)
    response = send(client, "post", reverse("suggestions_decide", args=[proposal.pk]),
                    {"author": f"user:{reviewer.pk}", "decision": "accept"}, htmx)
    html = done(response, proposal, "", htmx, client)
    if htmx:
        assert saved(response)["message"] == "Accepted 4 suggestions."
    else:
        assert "Accepted 4 suggestions." in html
    assert statuses(*many["mine"]) == ["accepted"] * 4
    assert statuses(many["theirs"], many["external"]) == ["open", "open"]
    task, second_task, skill = (type(obj).objects.get(pk=obj.pk) for obj in (many["task"], many["second_task"],
                                                                              many["skill"]))
    assert task.text == "Review and interpret clinical data to improve care systems."
    assert second_task.text == "Keep records of patient care."
    assert skill.description == "Giving complete attention to what people say."
    # The others moved with their words and are still open on the page.
    theirs, external = (Suggestion.objects.get(pk=item.pk) for item in (many["theirs"], many["external"]))
    assert task.text[theirs.start:theirs.end] == "clinical"
    assert second_task.text[external.start:external.end] == "patient"
    assert f'data-suggestion="{theirs.pk}"' in html and f'data-suggestion="{external.pk}"' in html


def test_it_accepts_everything_by_an_external_reviewer_named_in_the_draft(client, proposal, many, owner):
    client.force_login(owner)
    page = client.get(page_url(proposal)).content.decode()
    assert '<option value="name:Connie White Delaney">Connie White Delaney</option>' in page
    response = client.post(reverse("suggestions_decide", args=[proposal.pk]),
                           {"author": "name:Connie White Delaney", "decision": "accept"}, **HTMX)
    assert saved(response)["message"] == "Accepted 1 suggestion."
    assert statuses(many["external"]) == ["accepted"]
    assert statuses(*many["mine"], many["theirs"]) == ["open"] * 5
    assert Task.objects.get(pk=many["second_task"].pk).text == "Maintain records of patients' care."


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_rejects_everything_in_one_section(client, proposal, many, owner, htmx):
    client.force_login(owner)
    response = send(client, "post", reverse("suggestions_decide", args=[proposal.pk]),
                    {"section": "item-nature_of_work", "decision": "reject"}, htmx)
    done(response, proposal, "", htmx, client)
    tasks_ones = [*many["mine"][:3], many["theirs"], many["external"]]
    assert statuses(*tasks_ones) == ["rejected"] * 5
    assert statuses(many["mine"][3]) == ["open"]  # the skill is in another section
    assert Task.objects.get(pk=many["task"].pk).text == TASK_TEXT


def test_it_accepts_a_suggested_new_entry_with_the_rest_of_its_section(client, proposal, many, reviewer, owner):
    """A suggested new task is shown beside the tasks of "1. Nature of work performed";
    accepting everything in that section accepts it too."""
    client.force_login(reviewer)
    client.post(reverse("suggest_entry_add", args=[proposal.pk, "task"]),
                {"text": "Train staff on new systems.", "version": "0"})
    new_task = Suggestion.objects.get(kind=Suggestion.Kind.ADD_ENTRY)
    client.force_login(owner)
    response = client.post(reverse("suggestions_decide", args=[proposal.pk]),
                           {"section": "item-nature_of_work", "decision": "accept"}, **HTMX)
    assert saved(response)["message"] == "Accepted 6 suggestions."
    assert statuses(new_task) == ["accepted"]
    assert Task.objects.filter(text="Train staff on new systems.").exists()


def test_it_accepts_everything_in_one_section_by_one_reviewer(client, proposal, many, reviewer, owner):
    client.force_login(owner)
    response = client.post(reverse("suggestions_decide", args=[proposal.pk]),
                           {"author": f"user:{reviewer.pk}", "section": "item-ksa", "decision": "accept"}, **HTMX)
    assert saved(response)["message"] == "Accepted 1 suggestion."
    assert statuses(*many["mine"]) == ["open", "open", "open", "accepted"]
    assert Skill.objects.get(pk=many["skill"].pk).description == "Giving complete attention to what people say."


def test_it_reports_the_suggestions_it_could_not_accept(client, proposal, many, reviewer, owner):
    services.object_update(many["task"], values={"text": TASK_TEXT.replace("Analyze", "Study")},
                           base_version=many["task"].version, by=owner)
    client.force_login(owner)
    response = client.post(reverse("suggestions_decide", args=[proposal.pk]),
                           {"author": f"user:{reviewer.pk}", "decision": "accept"}, **HTMX)
    event = saved(response)
    assert event["message"] == "Accepted 3 suggestions."
    assert event["problem"].startswith("Accepted 3 suggestions. 1 could not be: “Analyze”: The text under this")
    assert statuses(*many["mine"]) == ["open", "accepted", "accepted", "accepted"]


# Stored-script payloads ----------------------------------------------------------------------

def assert_escaped(html: str, *, expected: int = 1):
    assert "<script>alert(1)" not in html
    assert html.count(ESCAPED_SCRIPT) >= expected, html.count(ESCAPED_SCRIPT)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_escapes_a_script_in_a_comment(client, proposal, task, reviewer, editor, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "kind": "comment",
        "text": f"Look: {SCRIPT}",
    }, htmx)
    thread = Thread.objects.get()
    assert thread.comments.get().text == f"Look: {SCRIPT}"  # stored as written, shown escaped
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert_escaped(html)
    # Replies, edits and the forms that show the text again.
    reply = send(client, "post", reverse("comment_reply", args=[proposal.pk, thread.pk]), {"text": SCRIPT}, htmx)
    assert_escaped(reply.content.decode() if htmx else client.get(reply.url).content.decode(), expected=2)
    edit = send(client, "get", reverse("comment_edit", args=[proposal.pk, thread.comments.first().pk]), htmx=htmx)
    assert_escaped(form_answer(edit, htmx))
    long = send(client, "post", reverse("comment_reply", args=[proposal.pk, thread.pk]),
                {"text": SCRIPT + LONG}, htmx)
    assert_escaped(form_answer(long, htmx))
    client.force_login(editor)
    assert_escaped(client.get(page_url(proposal)).content.decode(), expected=2)
    assert_escaped(client.get(reverse("review_list", args=[proposal.pk])).content.decode())


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_escapes_a_script_in_the_quoted_words(client, proposal, reviewer, owner, htmx):
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, by=owner,
                                 text=f"Analyze {SCRIPT} data.")
    client.force_login(reviewer)
    form = send(client, "get", reverse("thread_new", args=[proposal.pk])
                + f"?path=task:{task.pk}.text&start=8&end=33&quote=%3Cscript%3Ealert(1)%3C/script%3E", htmx=htmx)
    form_html = form_answer(form, htmx)
    assert "<script>alert(1)" not in form_html
    assert f"Comment on “{ESCAPED_SCRIPT}”" in form_html
    response = send(client, "post", reverse("thread_new", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(task.text, SCRIPT), "kind": "comment", "text": "Odd words",
    }, htmx)
    thread = Thread.objects.get()
    assert thread.quote == SCRIPT
    html = done(response, proposal, f"thread-{thread.pk}", htmx, client)
    assert_escaped(html, expected=2)  # in the text, and quoted on the card
    assert f'<q class="review-quote">{ESCAPED_SCRIPT}</q>' in html
    assert f'<mark class="anchor" data-thread="{thread.pk}"><span data-o="8">{ESCAPED_SCRIPT}</span></mark>' in html
    # Detached, its quote is still shown escaped.
    services.object_delete(task, by=owner)
    client.force_login(owner)
    page = client.get(page_url(proposal)).content.decode()
    assert_escaped(page)
    assert f'<q class="review-quote">{ESCAPED_SCRIPT}</q>' in page


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_it_escapes_a_script_in_a_suggested_replacement(client, proposal, task, reviewer, editor, htmx):
    client.force_login(reviewer)
    response = send(client, "post", reverse("suggest_span", args=[proposal.pk]), {
        "path": f"task:{task.pk}.text", **span_of(TASK_TEXT, "interpret"), "replacement": SCRIPT,
    }, htmx)
    suggestion = Suggestion.objects.get()
    html = done(response, proposal, f"suggestion-{suggestion.pk}", htmx, client)
    assert_escaped(html, expected=2)  # inserted in the text, and on the card
    assert f'data-at="21">{ESCAPED_SCRIPT}</ins>' in html
    typed = send(client, "post", reverse("suggest_text", args=[proposal.pk]), {
        "path": f"task:{task.pk}", "base-text": TASK_TEXT, "text": TASK_TEXT, "note": SCRIPT,
    }, htmx)
    assert_escaped(form_answer(typed, htmx))
    client.force_login(editor)
    response = send(client, "post", reverse("suggestion_decide", args=[proposal.pk, suggestion.pk, "accept"]),
                    htmx=htmx)
    html = response.content.decode() if htmx else client.get(response.url).content.decode()
    task.refresh_from_db()
    assert task.text == f"Analyze and {SCRIPT} clinical data to improve health systems."
    assert_escaped(html)


def test_it_escapes_a_script_in_the_address_of_a_form(client, proposal, task, reviewer):
    client.force_login(reviewer)
    payload = '"><script>alert(1)</script>'
    for htmx in (False, True):
        response = send(client, "get", reverse("suggest_text", args=[proposal.pk]),
                        {"path": f"task:{task.pk}", "anchor": payload}, htmx)
        html = form_answer(response, htmx)
        assert "<script>alert(1)" not in html
        response = send(client, "get", reverse("thread_new", args=[proposal.pk]),
                        {"path": f"task:{task.pk}", "quote": payload, "kind": payload}, htmx)
        assert "<script>alert(1)" not in form_answer(response, htmx)


def test_it_escapes_a_script_in_a_suggested_entry(client, proposal, task, reviewer, editor):
    client.force_login(reviewer)
    response = client.post(reverse("suggest_entry_add", args=[proposal.pk, "task"]),
                           {"text": SCRIPT, "version": "0"}, **HTMX)
    assert_escaped(response.content.decode())
    client.force_login(editor)
    assert_escaped(client.get(page_url(proposal)).content.decode())


def test_it_escapes_a_script_in_an_external_authors_name(client, proposal, task, editor, reviewer):
    thread = Thread.objects.create(proposal=proposal, path=f"task:{task.pk}.text", author_name=SCRIPT,
                                   original_quote="interpret", **span_of(TASK_TEXT, "interpret"))
    Comment.objects.create(thread=thread, author_name=SCRIPT, text="From the draft.")
    Suggestion.objects.create(proposal=proposal, path=f"task:{task.pk}.text", author_name=SCRIPT,
                              replacement="patient", original_quote="clinical", **span_of(TASK_TEXT, "clinical"))
    client.force_login(editor)
    page = client.get(page_url(proposal)).content.decode()
    # On the comment, on the suggestion's card, and in the bulk decision's list of authors.
    assert_escaped(page, expected=3)
    assert f'<option value="name:{ESCAPED_SCRIPT}">{ESCAPED_SCRIPT}</option>' in page
    response = client.post(reverse("comment_reply", args=[proposal.pk, thread.pk]), {"text": "Thanks"}, **HTMX)
    assert_escaped(saved(response) and response.content.decode(), expected=3)
    client.force_login(reviewer)
    assert_escaped(client.get(reverse("review_list", args=[proposal.pk])).content.decode())


def test_it_links_web_addresses_in_comments_but_not_javascript(client, proposal, task, reviewer, editor):
    client.force_login(reviewer)
    text = ("See http://example.org/soc?a=1&b=2 and https://www.bls.gov/soc/ "
            "not javascript:alert(1) nor JavaScript:alert(2)// nor javascript://example.com/%0aalert(3) "
            'nor <a href="javascript:alert(4)">x</a>')
    response = client.post(reverse("thread_new", args=[proposal.pk]),
                           {"path": f"task:{task.pk}", "kind": "comment", "text": text}, **HTMX)
    saved(response)
    client.force_login(editor)
    for html in (response.content.decode(), client.get(page_url(proposal)).content.decode()):
        doc = parse(html)
        [comment] = doc.xpath('//div[@class="review-text"]')
        hrefs = [link.get("href") for link in comment.xpath(".//a")]
        assert "http://example.org/soc?a=1&b=2" in hrefs
        assert "https://www.bls.gov/soc/" in hrefs
        assert not [href for href in hrefs if href.strip().lower().startswith("javascript")], hrefs
        assert all(link.get("rel") == "nofollow" for link in comment.xpath(".//a"))
        assert 'href="javascript' not in html.lower()
        assert "javascript:alert(1)" in comment.text_content()
        assert '&lt;a href="javascript:alert(4)"&gt;' in html or "&lt;a href=&quot;javascript:alert(4)&quot;&gt;" in html

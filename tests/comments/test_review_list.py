"""The Review page: a proposal's threads, suggestions and detached threads, filtered, each
linking to its place in the document."""

import pytest
from django.urls import reverse

from comments.models import Comment, Suggestion, Thread
from occupations import services
from occupations.kinds import kind_for
from occupations.models import Membership


def review(proposal, **params):
    return reverse("review_list", args=[proposal.pk]), params


def get(client, proposal, **params):
    url, query = review(proposal, **params)
    return client.get(url, query)


def first_texts(response):
    return [row.get("text", "") for row in response.context["rows"]]


def counts(response):
    return {tab["name"]: tab["count"] for tab in response.context["tabs"]}


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal,
                                 text="Analyze and interpret clinical data.", by=owner)


@pytest.fixture
def skill(proposal, owner):
    return services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Listening", by=owner)


def thread_on(task_or_path, by, text, *, quote="clinical data", replies=(), **fields):
    """A thread with its first comment (and replies), on a span of a task or on a path."""
    if isinstance(task_or_path, str):
        proposal, path = fields.pop("proposal"), task_or_path
        span = {}
    else:
        proposal, path = task_or_path.proposal, f"task:{task_or_path.pk}.text"
        start = task_or_path.text.find(quote)
        span = {"start": max(start, 0), "end": max(start, 0) + len(quote), "quote": quote, "original_quote": quote}
    thread = Thread.objects.create(proposal=proposal, path=path, created_by=by, **span, **fields)
    Comment.objects.create(thread=thread, author=by, text=text, author_name="" if by else fields.get("author_name", ""))
    for author, reply_text in replies:
        Comment.objects.create(thread=thread, author=author, text=reply_text)
    return thread


def test_it_is_for_members_only(client, proposal, outsider, observer):
    assert get(client, proposal).status_code == 302
    client.force_login(outsider)
    assert get(client, proposal).status_code == 404
    client.force_login(observer)
    assert get(client, proposal).status_code == 200


def test_it_lists_open_threads_with_their_place_words_and_replies(client, proposal, owner, editor, task):
    thread = thread_on(task, editor, "Is this the right verb?", replies=[(owner, "Yes."), (editor, "Thanks.")])
    thread_on(task, editor, "Settled", status=Thread.Status.RESOLVED)
    client.force_login(owner)
    response = get(client, proposal)
    assert response.status_code == 200
    assert first_texts(response) == ["Is this the right verb?"]
    [row] = response.context["rows"]
    assert row["replies"] == 2
    assert row["section"].anchor == "item-nature_of_work"
    html = response.content.decode()
    assert f'href="/proposals/{proposal.pk}/#thread-{thread.pk}"' in html
    assert "“clinical data”" in html
    assert "2 replies" in html
    assert "Editor Tester" in html
    assert '<span class="small text-body-secondary">1. Nature of work performed</span>' in html
    assert counts(response) == {"threads": 1, "suggestions": 0, "detached": 0}


def test_it_says_whole_entry_for_a_thread_without_a_span(client, proposal, owner, task):
    thread_on(f"task:{task.pk}", owner, "About the whole task", proposal=proposal)
    client.force_login(owner)
    assert "Whole task: “Analyze and interpret clinical data.”" in get(client, proposal).content.decode()


def test_it_filters_by_status(client, proposal, owner, task):
    thread_on(task, owner, "Open one")
    thread_on(task, owner, "Resolved one", status=Thread.Status.RESOLVED)
    client.force_login(owner)
    assert first_texts(get(client, proposal, status="resolved")) == ["Resolved one"]
    assert sorted(first_texts(get(client, proposal, status="all"))) == ["Open one", "Resolved one"]
    assert first_texts(get(client, proposal, status="bogus")) == ["Open one"]


def test_it_filters_by_kind(client, proposal, owner, task):
    thread_on(task, owner, "A remark")
    thread_on(task, owner, "A question", kind=Thread.Kind.QUESTION)
    thread_on(task, owner, "An action", kind=Thread.Kind.ACTION)
    client.force_login(owner)
    assert first_texts(get(client, proposal, kind="question")) == ["A question"]
    assert first_texts(get(client, proposal, kind="action")) == ["An action"]
    assert len(first_texts(get(client, proposal))) == 3


def test_it_filters_by_author_member_or_external(client, proposal, owner, editor, task):
    thread_on(task, owner, "By the owner")
    thread_on(task, editor, "By the editor")
    thread_on(task, None, "From the Word copy", author_name="Connie White Delaney")
    client.force_login(owner)
    assert first_texts(get(client, proposal, author=f"user:{editor.pk}")) == ["By the editor"]
    assert first_texts(get(client, proposal, author="name:Connie White Delaney")) == ["From the Word copy"]
    html = get(client, proposal).content.decode()
    assert '<option value="name:Connie White Delaney">Connie White Delaney (not a member)</option>' in html
    assert f'<option value="user:{editor.pk}">Editor Tester</option>' in html


def test_it_filters_by_section(client, proposal, owner, task, skill):
    thread_on(task, owner, "On the task")
    thread_on(f"skill:{skill.pk}.name", owner, "On the skill", proposal=proposal)
    client.force_login(owner)
    assert first_texts(get(client, proposal, section="item-ksa")) == ["On the skill"]
    assert first_texts(get(client, proposal, section="item-nature_of_work")) == ["On the task"]
    # Document order: the task's item comes before the skills'.
    assert first_texts(get(client, proposal)) == ["On the task", "On the skill"]
    html = get(client, proposal).content.decode()
    assert '<label class="form-label small mb-1" for="id_section">Section</label>' in html
    assert '<option value="item-ksa">3. Knowledge, skills and abilities</option>' in html


def test_it_filters_what_is_assigned_to_me(client, proposal, owner, editor, task):
    thread_on(task, owner, "For me", kind=Thread.Kind.ACTION, assignee=owner)
    thread_on(task, owner, "For the editor", kind=Thread.Kind.ACTION, assignee=editor)
    client.force_login(owner)
    assert first_texts(get(client, proposal, mine="on")) == ["For me"]
    client.force_login(editor)
    assert first_texts(get(client, proposal, mine="on")) == ["For the editor"]


def test_it_lists_suggestions_as_old_and_new_with_their_discussion(client, proposal, owner, editor, task):
    discussion = thread_on(task, editor, "Plainer words", replies=[(owner, "Agreed")])
    change = Suggestion.objects.create(
        proposal=proposal, path=discussion.path, start=discussion.start, end=discussion.end,
        quote="clinical data", original_quote="clinical data", replacement="patient data",
        created_by=editor, thread=discussion)
    Suggestion.objects.create(proposal=proposal, path=f"task:{task.pk}", kind=Suggestion.Kind.REMOVE_ENTRY,
                              created_by=editor, status=Suggestion.Status.REJECTED)
    Suggestion.objects.create(proposal=proposal, path=f"proposal:{proposal.pk}", kind=Suggestion.Kind.ADD_ENTRY,
                              entry_kind="task", entry_values={"text": "Train staff."}, created_by=editor)
    client.force_login(owner)
    threads = get(client, proposal)
    assert first_texts(threads) == []  # the discussion belongs to its suggestion
    assert counts(threads) == {"threads": 0, "suggestions": 2, "detached": 0}

    response = get(client, proposal, tab="suggestions")
    html = response.content.decode()
    assert len(response.context["rows"]) == 2
    assert '<del class="text-danger" aria-label="Old text">clinical data</del>' in html
    assert '<ins class="text-success" aria-label="New text">patient data</ins>' in html
    assert "Train staff." in html
    assert f'href="/proposals/{proposal.pk}/#suggestion-{change.pk}"' in html
    assert "2 comments" in html
    assert [row["item"].status for row in get(client, proposal, tab="suggestions", status="decided")
            .context["rows"]] == ["rejected"]
    assert len(get(client, proposal, tab="suggestions", status="all").context["rows"]) == 3
    # The suggestions' form has no kind or "Assigned to me".
    assert 'name="kind"' not in html and 'name="mine"' not in html


def test_it_lists_detached_threads_with_their_original_words(client, proposal, owner, task):
    thread_on(task, owner, "Still here")
    gone = thread_on(task, owner, "Its words went")
    Thread.objects.filter(pk=gone.pk).update(is_detached=True, quote="", original_quote="clinical data (old)")
    client.force_login(owner)
    response = get(client, proposal, tab="detached")
    assert first_texts(response) == ["Its words went"]
    assert "“clinical data (old)”" in response.content.decode()
    assert counts(response) == {"threads": 1, "suggestions": 0, "detached": 1}
    assert first_texts(get(client, proposal)) == ["Still here"]


def test_it_keeps_the_filters_in_the_tab_links(client, proposal, owner, editor, task):
    thread_on(task, editor, "Editor's")
    client.force_login(owner)
    response = get(client, proposal, author=f"user:{editor.pk}", status="resolved")
    links = {tab["name"]: tab["query"] for tab in response.context["tabs"]}
    assert f"author=user%3A{editor.pk}" in links["suggestions"]
    assert "tab=detached" in links["detached"]
    assert counts(response)["threads"] == 0


def test_it_escapes_stored_scripts_in_comments_quotes_and_suggestions(client, proposal, owner, task):
    payload = "<script>alert('x')</script>"
    thread_on(f"task:{task.pk}.text", owner, payload, proposal=proposal, start=0, end=5, quote=payload)
    Suggestion.objects.create(proposal=proposal, path=f"task:{task.pk}.text", start=0, end=5, quote=payload,
                              replacement=payload, created_by=owner)
    client.force_login(owner)
    for tab in ("threads", "suggestions"):
        html = get(client, proposal, tab=tab).content.decode()
        assert "<script>alert(" not in html
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


@pytest.mark.parametrize("count", [10, 300])
def test_it_takes_a_fixed_number_of_queries(client, proposal, owner, member_of, task, count,
                                            django_assert_max_num_queries):
    reviewer = member_of(Membership.Role.REVIEWER, "rita")
    threads = Thread.objects.bulk_create([
        Thread(proposal=proposal, path=f"task:{task.pk}.text", created_by=reviewer if n % 2 else owner,
               kind=Thread.Kind.ACTION if n % 3 == 0 else Thread.Kind.COMMENT, assignee=owner,
               author_name="" if n % 5 else "Word reviewer")
        for n in range(count)
    ])
    Comment.objects.bulk_create([
        Comment(thread=thread, author=reviewer, text=f"Comment {n}") for n, thread in enumerate(threads)
    ] + [Comment(thread=thread, author=owner, text="Reply") for thread in threads])
    Suggestion.objects.bulk_create([
        Suggestion(proposal=proposal, path=f"task:{task.pk}.text", start=0, end=7, quote="Analyze",
                   replacement=f"Study {n}", created_by=reviewer)
        for n in range(count)
    ])
    client.force_login(owner)
    for tab in ("threads", "suggestions", "detached"):
        # session, user, membership, the outline (15), threads, their comments,
        # suggestions, members, the inbox count, the page's tag (for a conditional answer),
        # whether a rating round is past its closing date
        with django_assert_max_num_queries(25):
            response = get(client, proposal, tab=tab)
        assert response.status_code == 200
    assert counts(response) == {"threads": count, "suggestions": count, "detached": 0}

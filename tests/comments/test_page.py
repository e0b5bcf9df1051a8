"""The review layer on the proposal page: each thread and suggestion beside the block it is
about, its words marked in the text, the tools each role gets on a card, the counts in the
review bar and the contents, and a fixed number of queries however much review there is."""

import random
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from lxml import html as lxml_html

from comments import services as review

from comments import suggesting
from comments.models import Comment, Suggestion, Thread
from occupations import services
from occupations.entries import Task
from occupations.kinds import kind_for
from occupations.models import Membership
from occupations.sample import fill_proposal

TASK_TEXT = "Analyze and interpret clinical data to improve health systems."


def page_url(proposal):
    return reverse("proposal_detail", args=[proposal.pk])


def get_page(client, proposal, user):
    client.force_login(user)
    response = client.get(page_url(proposal))
    assert response.status_code == 200
    return response


def parse(response):
    return lxml_html.fromstring(response.content.decode())


def by_id(doc, element_id):
    found = doc.xpath(f'//*[@id="{element_id}"]')
    assert len(found) == 1, f"{len(found)} elements with id {element_id}"
    return found[0]


def position(doc, element) -> int:
    """The element's place in document order."""
    for index, candidate in enumerate(doc.iter()):
        if candidate is element:
            return index
    raise AssertionError("not in the document")


def card_buttons(card) -> list[str]:
    return [button.text_content().strip() for button in card.xpath('.//*[contains(@class, "review-card-actions")]//button')]


def on_span(proposal, by, path, text, quote, comment="Is this the right word?", **fields):
    """A thread started as a user would start it, on the first place of quote in text."""
    start = text.index(quote)
    return review.thread_start(proposal=proposal, by=by, path=path, text=comment, start=start,
                               end=start + len(quote), quote=quote, **fields)


def suggest(proposal, by, path, text, quote, replacement):
    start = text.index(quote)
    return suggesting.suggestion_replace(proposal=proposal, by=by, path=path, start=start,
                                     end=start + len(quote), replacement=replacement, quote=quote)


@pytest.fixture
def task(proposal, owner):
    return services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text=TASK_TEXT, by=owner)


@pytest.fixture
def other_reviewer(member_of):
    return member_of(Membership.Role.REVIEWER, username="second-reviewer")


# Placement -------------------------------------------------------------------------------

def test_it_puts_a_thread_on_a_tasks_text_inside_its_entry_after_the_text(client, proposal, task, reviewer,
                                                                                owner):
    thread = on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "interpret")
    doc = parse(get_page(client, proposal, owner))
    entry = by_id(doc, f"task-{task.pk}")
    assert entry.tag == "li"
    card = by_id(doc, f"thread-{thread.pk}")
    assert card in entry.iterdescendants()
    assert "status-open" in card.get("class")
    assert card.xpath('string(.//q[@class="review-quote"])') == "interpret"
    assert "Is this the right word?" in card.text_content()
    [field] = entry.xpath(f'.//span[@data-field="task:{task.pk}.text"]')
    # under its words on a narrow screen (margin.js places it beside them on a wide one)
    assert position(doc, card) > position(doc, field)
    [mark] = field.xpath(f'.//mark[@data-thread="{thread.pk}"]')
    assert mark.get("class") == "anchor"
    assert mark.text_content() == "interpret"
    # The words around it are still the field's own text, in order.
    assert field.text_content() == TASK_TEXT


def test_it_puts_a_whole_entry_thread_in_its_entry_without_a_mark(client, proposal, task, reviewer, owner):
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"task:{task.pk}", text="Keep this one.")
    doc = parse(get_page(client, proposal, owner))
    entry = by_id(doc, f"task-{task.pk}")
    card = by_id(doc, f"thread-{thread.pk}")
    assert card in entry.iterdescendants()
    # which entry, in its first words, linked to it (a card is not always level with it)
    assert "On the whole task “Analyze and interpret clinical data to improve health…”" in card.text_content()
    assert card.xpath(f'.//a[@href="#task-{task.pk}"]')
    assert not doc.xpath(f'//mark[@data-thread="{thread.pk}"]')
    assert not card.xpath('.//q')


def test_it_puts_a_thread_on_a_group_title_beside_the_groups_heading(client, proposal, owner, reviewer):
    group = services.group_create(proposal=proposal, level="major", code="29-0000",
                                  title="Healthcare Practitioners", by=owner)
    thread = on_span(proposal, reviewer, f"group:{group.pk}.title", group.title, "Practitioners")
    whole = review.thread_start(proposal=proposal, by=reviewer, path=f"group:{group.pk}", text="Right level?")
    doc = parse(get_page(client, proposal, owner))
    head = by_id(doc, f"group-{group.pk}")
    margin = head.getnext()
    assert "review-margin" in margin.get("class")
    assert [card.get("id") for card in margin.xpath("./article")] == [f"thread-{thread.pk}", f"thread-{whole.pk}"]
    assert "On the whole group" in by_id(doc, f"thread-{whole.pk}").text_content()
    [mark] = head.xpath(f'.//span[@data-field="group:{group.pk}.title"]//mark[@data-thread="{thread.pk}"]')
    assert mark.text_content() == "Practitioners"


def test_it_puts_a_thread_on_a_proposal_section_beside_that_section(client, proposal, owner, reviewer):
    proposal = services.object_update(proposal, values={"background": "The 2028 revision adds health IT."},
                                      base_version=proposal.version, by=owner)
    path = f"proposal:{proposal.pk}.background"
    thread = on_span(proposal, reviewer, path, proposal.background, "health IT")
    doc = parse(get_page(client, proposal, owner))
    section = by_id(doc, f"proposal-{proposal.pk}-background")
    margin = section.getnext()
    assert "review-margin" in margin.get("class")
    assert [card.get("id") for card in margin.xpath("./article")] == [f"thread-{thread.pk}"]
    [mark] = section.xpath(f'.//div[@data-field="{path}"]//mark[@data-thread="{thread.pk}"]')
    assert mark.text_content() == "health IT"
    # After the Background heading, and only there.
    assert position(doc, by_id(doc, "background")) < position(doc, margin) < position(doc, by_id(doc, "classification"))


def test_it_offers_a_comment_on_a_whole_section_about_that_section_not_the_proposal(client, proposal, owner,
                                                                                   reviewer):
    """The sections share one object (the proposal): a section's Comment tool names its
    field, so the thread goes beside the section and not beside the title."""
    proposal = services.object_update(proposal, values={"background": "The 2028 revision adds health IT."},
                                      base_version=proposal.version, by=owner)
    doc = parse(get_page(client, proposal, reviewer))
    section = by_id(doc, f"proposal-{proposal.pk}-background")
    [link] = section.xpath('.//a[text()="Comment"]')
    assert link.get("href").endswith(f"threads/new/?path=proposal:{proposal.pk}.background")
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}.background",
                                 text="Say which revision.")
    doc = parse(get_page(client, proposal, owner))
    margin = by_id(doc, f"proposal-{proposal.pk}-background").getnext()
    assert [card.get("id") for card in margin.xpath("./article")] == [f"thread-{thread.pk}"]
    assert "On the whole section" in margin.text_content()


def test_it_puts_a_thread_on_a_narrative_beside_the_narrative(client, proposal, owner, reviewer):
    narrative = services.narrative_set(proposal=proposal, item="nature_of_work", by=owner,
                                       text="Workers manage health information systems.\nThey also teach.")
    path = f"narrative:{narrative.pk}.text"
    thread = on_span(proposal, reviewer, path, narrative.text, "They also teach")
    doc = parse(get_page(client, proposal, owner))
    block = by_id(doc, f"narrative-{narrative.pk}-text")
    assert [card.get("id") for card in block.getnext().xpath("./article")] == [f"thread-{thread.pk}"]
    [mark] = block.xpath(f'.//mark[@data-thread="{thread.pk}"]')
    assert mark.text_content() == "They also teach"
    assert mark.xpath("ancestor::p")  # in its own paragraph, the second line


def test_it_shows_a_thread_on_the_whole_proposal_on_the_page(client, proposal, owner, reviewer):
    """The view and the service accept path proposal:<pk> (the review list says "Whole
    proposal"); the page counts it as an open thread, so it has to be somewhere on it."""
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}",
                                 text="Is the whole proposal ready?")
    response = get_page(client, proposal, owner)
    html = response.content.decode()
    assert "<strong>1</strong> open thread ·" in html
    assert f'id="thread-{thread.pk}"' in html
    assert "Is the whole proposal ready?" in html


def test_it_says_a_thread_on_the_whole_proposal_is_about_the_whole_proposal(client, proposal, owner, reviewer):
    """As the review list, the inbox and the mention e-mails say: not "the whole section"."""
    thread = review.thread_start(proposal=proposal, by=reviewer, path=f"proposal:{proposal.pk}",
                                 text="Is the whole proposal ready?")
    card = by_id(parse(get_page(client, proposal, owner)), f"thread-{thread.pk}")
    assert card.xpath('string(.//p[contains(@class, "review-quote")])') == "On the whole proposal"


def test_it_lists_a_thread_whose_entry_was_deleted_apart_with_its_quote(client, proposal, task, reviewer, owner):
    thread = on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "clinical data",
                     comment="Which data?")
    services.object_delete(task, by=owner)
    thread.refresh_from_db()
    assert thread.is_detached
    doc = parse(get_page(client, proposal, owner))
    heading = by_id(doc, "detached")
    assert heading.text_content() == "Comments and suggestions whose text is gone"
    section = heading.getparent()
    card = by_id(doc, f"thread-{thread.pk}")
    assert card in section.iterdescendants()
    assert "is-detached" in card.get("class")
    assert card.xpath('string(.//q[@class="review-quote"])') == "clinical data"
    assert "Which data?" in card.text_content()
    assert not doc.xpath(f'//mark[@data-thread="{thread.pk}"]')
    assert doc.xpath('string(//a[@href="#detached"])') == "1 detached"


def test_it_keeps_a_resolved_thread_on_the_page_hidden_behind_a_switch(client, proposal, task, reviewer, owner):
    resolved = on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "interpret", comment="Fixed now")
    open_one = on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "health", comment="Still open")
    review.thread_resolve(thread=resolved, by=owner)
    response = get_page(client, proposal, owner)
    doc = parse(response)
    card = by_id(doc, f"thread-{resolved.pk}")
    assert "status-resolved" in card.get("class").split()
    assert card in by_id(doc, f"task-{task.pk}").iterdescendants()
    assert "Resolved by Owner Tester" in card.text_content()
    assert card_buttons(card) == ["Reopen"]
    assert "status-open" in by_id(doc, f"thread-{open_one.pk}").get("class").split()
    [switch] = doc.xpath('//input[@data-show-resolved]')
    assert doc.xpath(f'string(//label[@for="{switch.get("id")}"])') == "Show resolved (1)"
    assert doc.xpath(f'//mark[@data-thread="{resolved.pk}"]')[0].get("class") == "anchor anchor-resolved"
    assert "<strong>1</strong> open thread ·" in response.content.decode()
    # Hidden until the switch is on.
    css = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()
    assert re.search(r"\.review-card\.status-resolved\s*\{[^}]*display:\s*none", css)


def test_it_has_no_show_resolved_switch_when_nothing_is_resolved(client, proposal, task, reviewer, owner):
    on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "interpret")
    doc = parse(get_page(client, proposal, owner))
    assert not doc.xpath('//input[@data-show-resolved]')


@pytest.fixture
def suggestion(proposal, task, reviewer):
    return suggest(proposal, reviewer, f"task:{task.pk}.text", task.text, "interpret", "review")


def test_it_shows_a_suggestion_in_the_text_and_on_its_card(client, proposal, task, suggestion, owner):
    doc = parse(get_page(client, proposal, owner))
    [field] = doc.xpath(f'//span[@data-field="task:{task.pk}.text"]')
    [deleted] = field.xpath(f'.//del[@data-suggestion="{suggestion.pk}"]')
    [inserted] = field.xpath(f'.//ins[@data-suggestion="{suggestion.pk}"]')
    assert deleted.get("class") == "suggested-del" and deleted.text_content() == "interpret"
    assert inserted.get("class") == "suggested-ins" and inserted.text_content() == "review"
    assert deleted.getnext() is inserted
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert card in by_id(doc, f"task-{task.pk}").iterdescendants()
    assert position(doc, card) > position(doc, field)
    assert card.xpath('string(.//*[contains(@class, "review-kind")])') == "Suggested change"
    assert card.xpath('string(.//p[@class="review-change"]/del)') == "interpret"
    assert card.xpath('string(.//p[@class="review-change"]/ins)') == "review"
    assert "Reviewer Tester" in card.text_content()


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_it_gives_an_editor_and_a_coordinator_accept_and_reject(client, proposal, suggestion, request, who):
    doc = parse(get_page(client, proposal, request.getfixturevalue(who)))
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert card_buttons(card) == ["Accept", "Reject"]
    [accept] = card.xpath('.//button[normalize-space()="Accept"]')
    assert accept.get("formaction") == f"{page_url(proposal)}suggestions/{suggestion.pk}/accept/"
    assert accept.get("hx-post") == accept.get("formaction")


def test_it_gives_the_reviewer_who_suggested_only_withdraw(client, proposal, suggestion, reviewer):
    doc = parse(get_page(client, proposal, reviewer))
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert card_buttons(card) == ["Withdraw"]
    [withdraw] = card.xpath('.//button[normalize-space()="Withdraw"]')
    assert withdraw.get("formaction") == f"{page_url(proposal)}suggestions/{suggestion.pk}/reject/"
    assert "Accept or reject many" not in doc.text_content()


def test_it_gives_another_reviewer_no_decision(client, proposal, suggestion, other_reviewer):
    doc = parse(get_page(client, proposal, other_reviewer))
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert card_buttons(card) == []
    # They may still discuss it.
    [discuss] = card.xpath('.//a[contains(@class, "review-reply-open")]')
    assert discuss.text_content() == "Discuss"
    assert discuss.get("href") == f"{page_url(proposal)}suggestions/{suggestion.pk}/discuss/"


def test_it_gives_an_observer_neither_decisions_nor_forms(client, proposal, suggestion, task, reviewer, observer):
    thread = on_span(proposal, reviewer, f"task:{task.pk}.text", task.text, "clinical")
    doc = parse(get_page(client, proposal, observer))
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert card_buttons(card) == []
    assert not card.xpath(".//form")
    thread_card = by_id(doc, f"thread-{thread.pk}")
    assert card_buttons(thread_card) == [] and not thread_card.xpath(".//form")
    assert not doc.xpath('//a[contains(@class, "review-reply-open")]')
    assert not doc.xpath('//*[@id="mode-suggest"]')
    assert not doc.xpath('//a[@data-review-form]')


def test_it_shows_an_outdated_suggestion_with_rebase_and_no_accept(client, proposal, task, suggestion, owner,
                                                                  reviewer):
    services.object_update(task, values={"text": "Analyze and read clinical data to improve health systems."},
                           base_version=task.version, by=owner)
    suggestion.refresh_from_db()
    assert suggestion.is_outdated
    doc = parse(get_page(client, proposal, owner))
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert "is-outdated" in card.get("class").split()
    assert card_buttons(card) == ["Re-base", "Reject"]
    assert "cannot be accepted as it is" in card.text_content()
    assert "Re-base it onto the text as it is now" in card.text_content()
    # Its reviewer may still withdraw it, and is not told to re-base.
    reviewer_card = by_id(parse(get_page(client, proposal, reviewer)), f"suggestion-{suggestion.pk}")
    assert card_buttons(reviewer_card) == ["Withdraw"]
    assert "Re-base" not in reviewer_card.text_content()


def test_it_does_not_strike_through_words_an_outdated_suggestion_was_not_about(client, proposal, task, suggestion,
                                                                             owner):
    """The suggestion was to replace "interpret"; that word was edited away. Its offsets
    now fall on other words ("read clin"), which the page must not show as its deletion."""
    new_text = "Analyze and read clinical data to improve health systems."
    services.object_update(task, values={"text": new_text}, base_version=task.version, by=owner)
    doc = parse(get_page(client, proposal, owner))
    [field] = doc.xpath(f'//span[@data-field="task:{task.pk}.text"]')
    for deleted in field.xpath(f'.//del[@data-suggestion="{suggestion.pk}"]'):
        assert deleted.text_content() == suggestion.quote, (
            f"an outdated suggestion on “{suggestion.quote}” strikes through “{deleted.text_content()}”")


def test_it_shows_a_removal_and_a_new_entry_suggestion_on_their_places(client, proposal, task, reviewer, owner):
    removal = suggesting.suggestion_remove_entry(proposal=proposal, by=reviewer, path=f"task:{task.pk}")
    addition = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="task",
                                           values={"text": "Train staff on new systems."})
    doc = parse(get_page(client, proposal, owner))
    entry = by_id(doc, f"task-{task.pk}")
    removal_card = by_id(doc, f"suggestion-{removal.pk}")
    assert removal_card in entry.iterdescendants()
    assert "Suggested removal" in removal_card.text_content()
    assert removal_card.xpath('string(.//p[@class="review-change"]/del)') == TASK_TEXT
    addition_card = by_id(doc, f"suggestion-{addition.pk}")
    assert addition_card not in entry.iterdescendants()
    assert "Suggested new entry" in addition_card.text_content()
    assert addition_card.xpath('string(.//p[@class="review-change"]/ins)') == "Train staff on new systems."
    # In the list of tasks it would join, at its end, underlined and attributed as a
    # suggested insertion; its card beside that list.
    [tasks] = doc.xpath(f'//ul[li[@id="task-{task.pk}"]]')
    placeholder = tasks.xpath("./li")[-1]
    assert placeholder.get("id") == f"suggested-{addition.pk}"
    [inserted] = placeholder.xpath(f'.//ins[@data-suggestion="{addition.pk}"]')
    assert inserted.get("class") == "suggested-ins" and inserted.text_content() == "Train staff on new systems."
    assert "suggested by Reviewer Tester" in placeholder.text_content()
    assert addition_card.getparent().getprevious().tag == "ul"


def test_it_shows_a_suggested_row_in_its_table_in_its_columns_and_escaped(client, proposal, reviewer, owner):
    figure = services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal,
                                   description="Health IT workers", number=120000, year=2024, source="BLS", by=owner)
    addition = suggesting.suggestion_add_entry(
        proposal=proposal, by=reviewer, entry_kind="workforce_figure",
        values={"description": "Informatics nurses <b>only</b>", "number": 8000, "source": "ANA"})
    doc = parse(get_page(client, proposal, owner))
    [body] = doc.xpath(f'//tbody[tr[@id="workforce_figure-{figure.pk}"]]')
    row = body.xpath("./tr")[-1]
    assert row.get("id") == f"suggested-{addition.pk}"
    cells = [cell.text_content() for cell in row.xpath("./td")]
    assert cells[:4] == ["Suggested new workforce figure: Informatics nurses <b>only</b>", "8000", "—", "ANA"]
    assert not row.xpath(".//b")  # what people wrote is text, never markup
    assert "suggested by Reviewer Tester" in cells[4]


def test_it_shows_a_suggested_entry_under_its_heading_when_its_list_is_empty(client, proposal, reviewer, owner):
    addition = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="licensing",
                                           values={"text": "State licence for nurse informaticists."})
    doc = parse(get_page(client, proposal, owner))
    placeholder = by_id(doc, f"suggested-{addition.pk}")
    assert placeholder.tag == "li"
    assert placeholder.xpath("string(.//ins)") == "State licence for nurse informaticists."
    heading = placeholder.getparent().getprevious()
    while "review-margin" in (heading.get("class") or ""):
        heading = heading.getprevious()
    assert "Licensing" in heading.text_content()


def test_a_decided_suggestion_leaves_no_placeholder(client, proposal, task, reviewer, owner):
    addition = suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="task",
                                           values={"text": "Train staff on new systems."})
    suggesting.suggestion_reject(suggestion=addition, by=owner)
    doc = parse(get_page(client, proposal, owner))
    assert not doc.xpath(f'//*[@id="suggested-{addition.pk}"]')
    assert not doc.xpath('//*[contains(@class, "suggested-entry")]')


# Counts ----------------------------------------------------------------------------------

def test_it_counts_open_threads_and_suggestions_in_the_review_bar_and_contents(client, proposal, task, owner,
                                                                              reviewer):
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Listening",
                                  description="Giving full attention.", by=owner)
    path = f"task:{task.pk}.text"
    on_span(proposal, reviewer, path, task.text, "Analyze")
    on_span(proposal, reviewer, path, task.text, "interpret", kind=Thread.Kind.QUESTION)
    on_span(proposal, reviewer, path, task.text, "clinical", kind=Thread.Kind.ACTION, assignee=owner)
    done = on_span(proposal, reviewer, path, task.text, "health")
    review.thread_resolve(thread=done, by=owner)
    suggest(proposal, reviewer, path, task.text, "data", "records")
    with_note = suggest(proposal, reviewer, f"skill:{skill.pk}.description", skill.description, "full", "close")
    suggesting.suggestion_discuss(suggestion=with_note, by=owner, text="Why?")  # a discussion is not a thread
    rejected = suggest(proposal, reviewer, path, task.text, "systems", "services")
    suggesting.suggestion_reject(suggestion=rejected, by=owner)
    response = get_page(client, proposal, owner)
    html = response.content.decode()
    doc = parse(response)
    totals = doc.xpath('//span[contains(@class, "review-totals")]')[0]
    assert " ".join(totals.text_content().split()) == "3 open threads · 2 suggestions"
    assert doc.xpath('string(//label[@for="show-resolved"])') == "Show resolved (1)"

    def badges(anchor):
        [nav] = doc.xpath('//nav[contains(@class, "outline-nav")]')
        [link] = nav.xpath(f'.//a[@href="#{anchor}"]')
        return {badge.get("title"): badge.text_content()
                for badge in link.getparent().xpath('.//span[contains(@class, "badge")]')}

    assert badges("item-nature_of_work") == {"Open threads": "3", "Questions": "1?", "Action items": "1!",
                                             "Suggestions": "1±"}
    assert badges("item-ksa") == {"Suggestions": "1±"}
    assert badges("item-job_titles") == {}
    assert "3 open threads, 1 question, 1 action item, 1 suggestion" in html


def test_it_counts_a_suggested_new_entry_in_its_section(client, proposal, task, owner, reviewer):
    """The review bar counts it, and it sits beside the tasks: the contents should count it
    under "1. Nature of work performed" too."""
    suggesting.suggestion_add_entry(proposal=proposal, by=reviewer, entry_kind="task",
                                values={"text": "Train staff on new systems.", "is_may": False})
    doc = parse(get_page(client, proposal, owner))
    totals = doc.xpath('//span[contains(@class, "review-totals")]')[0]
    assert " ".join(totals.text_content().split()) == "0 open threads · 1 suggestion"
    [nav] = doc.xpath('//nav[contains(@class, "outline-nav")]')
    [link] = nav.xpath('.//a[@href="#item-nature_of_work"]')
    assert link.getparent().xpath('string(.//span[@title="Suggestions"])') == "1±"


def test_it_counts_nothing_on_a_proposal_without_review(client, proposal, task, owner):
    doc = parse(get_page(client, proposal, owner))
    totals = doc.xpath('//span[contains(@class, "review-totals")]')[0]
    assert " ".join(totals.text_content().split()) == "0 open threads · 0 suggestions"
    assert not doc.xpath('//span[contains(@class, "review-counts")]')


# Queries ---------------------------------------------------------------------------------

# Measured on SQLite, the same for a coordinator and a reviewer, at 10 threads and 10
# suggestions and at 500 and 500: session, user, membership; the outline (groups,
# narratives, one per entry kind: 13); members; threads (with their people), their
# comments, open suggestions; the inbox's unread count in the navigation; the page's tag
# (its role and counter), for a conditional answer next time; the shared cache (read, and
# count and write the drawing), and the reader's own cards in their places (suggestions,
# threads, comments); the open rating rounds (consensus), and whether one is past its
# closing date.
PAGE_QUERIES = 35


def add_review(proposal, people, count: int, seed: int = 4) -> None:
    """count threads (two comments each) and count open suggestions on random tasks'
    texts, with spans that quote their text exactly, made in bulk."""
    rng = random.Random(seed)
    tasks = list(Task.objects.filter(proposal=proposal))

    def span(task):
        start = rng.randrange(len(task.text))
        return start, rng.randrange(start, len(task.text) + 1)

    threads = []
    for n in range(count):
        task = rng.choice(tasks)
        start, end = span(task)
        author = people[n % len(people)]
        kind = (Thread.Kind.COMMENT, Thread.Kind.QUESTION, Thread.Kind.ACTION)[n % 3]
        resolved = n % 7 == 0
        threads.append(Thread(
            proposal=proposal, path=f"task:{task.pk}.text", start=start, end=end, quote=task.text[start:end],
            original_quote=task.text[start:end], prefix=task.text[:start][-64:], suffix=task.text[end:][:64],
            kind=kind, created_by=author if n % 5 else None, author_name="" if n % 5 else "Connie White Delaney",
            assignee=people[(n + 1) % len(people)] if kind == Thread.Kind.ACTION else None,
            status=Thread.Status.RESOLVED if resolved else Thread.Status.OPEN,
            resolved_by=people[0] if resolved else None,
        ))
    threads = Thread.objects.bulk_create(threads)
    Comment.objects.bulk_create([
        Comment(thread=thread, author=people[(n + k) % len(people)], text=f"Comment {n}.{k} see https://example.org/{n}")
        for n, thread in enumerate(threads) for k in range(2)
    ])
    suggestions = []
    for n in range(count):
        task = rng.choice(tasks)
        start, end = span(task)
        suggestions.append(Suggestion(
            proposal=proposal, path=f"task:{task.pk}.text", start=start, end=end, quote=task.text[start:end],
            original_quote=task.text[start:end], prefix=task.text[:start][-64:], suffix=task.text[end:][:64],
            replacement=f"word {n}" if n % 4 else "", created_by=people[n % len(people)],
        ))
    Suggestion.objects.bulk_create(suggestions)
    services.touch_proposal(proposal.pk)  # made in bulk, as one write: the counter moves, as every write's does


@pytest.fixture
def large_proposal(proposal, owner, editor, reviewer, other_reviewer):
    fill_proposal(proposal, owner, 500)
    return proposal


def test_it_spans_every_thread_on_its_own_words(large_proposal, owner, editor, reviewer, other_reviewer):
    add_review(large_proposal, [owner, editor, reviewer, other_reviewer], 50)
    texts = {f"task:{task.pk}.text": task.text for task in Task.objects.filter(proposal=large_proposal)}
    for item in [*Thread.objects.filter(proposal=large_proposal), *Suggestion.objects.filter(proposal=large_proposal)]:
        assert texts[item.path][item.start:item.end] == item.quote


@pytest.mark.parametrize("who", ["owner", "reviewer"])
def test_it_renders_the_page_in_a_fixed_number_of_queries_however_much_review(
    client, large_proposal, owner, editor, reviewer, other_reviewer, django_assert_max_num_queries, request, who
):
    user = request.getfixturevalue(who)
    people = [owner, editor, reviewer, other_reviewer]
    add_review(large_proposal, people, 10, seed=1)
    client.force_login(user)
    with django_assert_max_num_queries(PAGE_QUERIES) as few:
        response = client.get(page_url(large_proposal))
    assert "<strong>10</strong> suggestions" in response.content.decode()
    add_review(large_proposal, people, 490, seed=2)
    assert Thread.objects.filter(proposal=large_proposal).count() == 500
    assert Comment.objects.filter(thread__proposal=large_proposal).count() == 1000
    assert Suggestion.objects.filter(proposal=large_proposal).count() == 500
    with django_assert_max_num_queries(PAGE_QUERIES) as many:
        response = client.get(page_url(large_proposal))
    assert len(many) == len(few) == PAGE_QUERIES
    assert response.status_code == 200
    html = response.content.decode()
    open_threads = Thread.objects.filter(proposal=large_proposal, status=Thread.Status.OPEN).count()
    assert f"<strong>{open_threads}</strong> open threads" in html
    assert "<strong>500</strong> suggestions" in html
    assert html.count('class="review-card thread-card') == 500
    assert html.count('class="review-card suggestion-card') == 500
    assert html.count('<li id="comment-') == 1000
    doc = lxml_html.fromstring(html)
    assert len({mark.get("data-thread") for mark in doc.xpath("//mark[@data-thread]")}) == 500


def test_an_outdated_suggestion_is_shown_on_its_card_only(client, proposal, task, suggestion, owner):
    """Its words edited away and back: where its offsets fall they read the same again, but
    the sentence it was made on is not the one on the page, and drawn in the text its
    change garbled it. Its card shows it, with the words it was made on."""
    original = task.text
    task = services.object_update(task, values={"text": original.replace("interpret", "read")},
                                  base_version=task.version, by=owner)
    services.object_update(task, values={"text": original}, base_version=task.version, by=owner)
    suggestion.refresh_from_db()
    assert suggestion.is_outdated and original[suggestion.start:suggestion.end] == suggestion.quote
    doc = parse(get_page(client, proposal, owner))
    [field] = doc.xpath(f'//span[@data-field="task:{task.pk}.text"]')
    assert not field.xpath(f'.//*[@data-suggestion="{suggestion.pk}"]')
    assert field.text_content() == original
    card = by_id(doc, f"suggestion-{suggestion.pk}")
    assert suggestion.quote in card.text_content() and suggestion.replacement in card.text_content()

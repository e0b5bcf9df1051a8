"""Which section each thread and suggestion is in, and the open review work per section,
shown in the contents beside each heading."""

import pytest
from django.template.loader import render_to_string

from comments import overview
from comments.models import Suggestion, Thread
from occupations import services
from occupations.kinds import kind_for
from occupations.outline import proposal_outline


@pytest.fixture
def document(proposal, owner):
    """A minor group with a task of its own, a task of the whole proposal, and a skill."""
    proposal.background = "The 2028 revision."
    proposal.save()
    minor = services.group_create(proposal=proposal, level="minor", code="29-9000", title="Health IT", by=owner)
    broad = services.group_create(proposal=proposal, parent=minor, level="broad", code="29-9010",
                                  title="Clinical Health IT", by=owner)
    task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, text="Analyze data.", by=owner)
    group_task = services.entry_create(entry_kind=kind_for("task"), proposal=proposal, group=minor,
                                       text="Lead projects.", by=owner)
    skill = services.entry_create(entry_kind=kind_for("skill"), proposal=proposal, name="Listening",
                                  description="Giving full attention.", by=owner)
    return {"minor": minor, "broad": broad, "task": task, "group_task": group_task, "skill": skill}


def thread(proposal, path, **fields):
    return Thread.objects.create(proposal=proposal, path=path, **fields)


def suggestion(proposal, path, **fields):
    return Suggestion.objects.create(proposal=proposal, path=path, **fields)


def test_it_finds_the_section_of_every_path_the_outline_shows(proposal, document):
    sections = overview.sections_of(proposal_outline(proposal))
    minor, broad, task, group_task, skill = (document[k] for k in ("minor", "broad", "task", "group_task", "skill"))
    anchor = {path: heading.anchor for path, heading in sections.items()}
    assert anchor[f"proposal:{proposal.pk}.background"] == "background"
    assert anchor[f"task:{task.pk}"] == anchor[f"task:{task.pk}.text"] == "item-nature_of_work"
    # Under its group's level-3 heading, which is not in the contents: the item's heading.
    assert anchor[f"task:{group_task.pk}.text"] == "item-nature_of_work"
    assert anchor[f"skill:{skill.pk}.description"] == "item-ksa"
    # A group is where its own heading is, not its row of the classification table.
    assert anchor[f"group:{minor.pk}"] == anchor[f"group:{minor.pk}.title"] == f"group-{minor.pk}"
    assert anchor[f"group:{broad.pk}"] == f"group-{minor.pk}"
    # The title comes before any heading.
    assert f"proposal:{proposal.pk}.title" not in sections


def test_it_lists_sections_in_document_order(proposal, document):
    paths = list(overview.sections_of(proposal_outline(proposal)))
    task, skill = document["task"], document["skill"]
    assert paths.index(f"proposal:{proposal.pk}.background") < paths.index(f"task:{task.pk}.text")
    assert paths.index(f"task:{task.pk}.text") < paths.index(f"skill:{skill.pk}.name")


def test_it_falls_back_to_the_object_for_a_field_not_shown_apart(proposal, document):
    sections = overview.sections_of(proposal_outline(proposal))
    minor = document["minor"]
    assert overview.section_of(sections, f"group:{minor.pk}.definition").anchor == f"group-{minor.pk}"
    assert overview.section_of(sections, "task:999999.text") is None


def test_it_counts_open_work_per_section(proposal, document, owner):
    task, skill = document["task"], document["skill"]
    threads = [
        thread(proposal, f"task:{task.pk}.text", start=0, end=7, quote="Analyze"),
        thread(proposal, f"task:{task.pk}", kind=Thread.Kind.QUESTION),
        thread(proposal, f"task:{task.pk}", kind=Thread.Kind.ACTION, assignee=owner),
        thread(proposal, f"task:{task.pk}", kind=Thread.Kind.ACTION, is_done=True),
        thread(proposal, f"task:{task.pk}", status=Thread.Status.RESOLVED),
        thread(proposal, f"task:{task.pk}", is_detached=True),
        thread(proposal, f"skill:{skill.pk}.name"),
    ]
    suggestions = [
        suggestion(proposal, f"task:{task.pk}.text", start=0, end=7, quote="Analyze", replacement="Study"),
        suggestion(proposal, f"task:{task.pk}.text", status=Suggestion.Status.ACCEPTED),
        suggestion(proposal, f"skill:{skill.pk}", kind=Suggestion.Kind.REMOVE_ENTRY),
    ]
    counts = overview.section_counts(proposal_outline(proposal), threads, suggestions)
    assert counts["item-nature_of_work"] == overview.SectionCounts(threads=4, questions=1, actions=1, suggestions=1)
    assert counts["item-ksa"] == overview.SectionCounts(threads=1, suggestions=1)
    assert set(counts) == {"item-nature_of_work", "item-ksa"}
    assert counts["item-nature_of_work"].label == "4 open threads, 1 question, 1 action item, 1 suggestion"


def test_it_does_not_count_a_suggestions_discussion_as_a_thread(proposal, document, django_assert_num_queries):
    task = document["task"]
    discussion = thread(proposal, f"task:{task.pk}.text")
    change = suggestion(proposal, f"task:{task.pk}.text", replacement="Study", thread=discussion)
    outline = proposal_outline(proposal)
    with django_assert_num_queries(0):
        counts = overview.section_counts(outline, [discussion], [change])
    assert counts["item-nature_of_work"] == overview.SectionCounts(suggestions=1)
    # Known from thread.suggestion too, when the thread was fetched with it.
    fetched = list(Thread.objects.select_related("suggestion"))
    assert overview.section_counts(outline, fetched, []) == {}


def test_it_shows_the_counts_beside_the_headings_of_the_contents(proposal, document):
    task = document["task"]
    threads = [thread(proposal, f"task:{task.pk}", kind=Thread.Kind.QUESTION),
               thread(proposal, f"task:{task.pk}")]
    outline = proposal_outline(proposal)
    counts = overview.section_counts(outline, threads, [suggestion(proposal, f"task:{task.pk}.text")])
    html = render_to_string("occupations/_contents.html", {"outline": outline, "review_counts": counts})
    assert html.count('class="review-counts') == 1
    assert '<span class="visually-hidden">2 open threads, 1 question, 1 suggestion</span>' in html
    item = html.index('href="#item-nature_of_work"')
    assert item < html.index("2 open threads") < html.index('href="#item-distinctness"')


def test_it_shows_the_contents_without_counts_when_none_are_given(proposal, document):
    html = render_to_string("occupations/_contents.html", {"outline": proposal_outline(proposal)})
    assert 'href="#background"' in html
    assert "review-counts" not in html


def test_it_names_the_place_and_words_of_a_thread(proposal, document):
    task = document["task"]
    span = thread(proposal, f"task:{task.pk}.text", start=0, end=7, quote="Analyze", original_quote="Analyse")
    gone = thread(proposal, f"task:{task.pk}.text", start=0, end=7, quote="", original_quote="Analyse",
                  is_detached=True)
    whole = thread(proposal, f"task:{task.pk}")
    discussion = thread(proposal, f"task:{task.pk}.text")
    change = suggestion(proposal, f"task:{task.pk}.text", thread=discussion)
    assert [overview.quote_of(t) for t in (span, gone, whole, discussion)] == [
        "Analyze", "Analyse", "Whole entry", "Whole text"]
    assert overview.quote_of(thread(proposal, f"proposal:{proposal.pk}")) == "Whole proposal"
    assert overview.place_of(span) == f"thread-{span.pk}"
    assert overview.place_of(Thread.objects.get(pk=discussion.pk)) == f"suggestion-{change.pk}"

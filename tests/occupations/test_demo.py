import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from comments.models import Thread
from occupations import selectors
from occupations.demo import DEMO_PASSWORD, DemoDataError, demo_load
from occupations.kinds import ENTRY_KINDS, ITEMS
from occupations.models import DraftNote, Membership, Narrative, OccupationGroup, Proposal
from occupations.outline import proposal_outline

SEED = Path(settings.BASE_DIR) / "fixtures" / "seed" / "focus-group-draft.txt"

# Words of the seed that are layout, not content: list letters, the "Notes:" and
# "Comment by" markers Word put in the text, a misspelt heading ("Ablities", now the
# "Abilities" label) and job titles whose line breaks fell in the wrong place.
LAYOUT_WORDS = {
    "b", "c", "notes", "comment", "ablities", "it/health",
    "specialistclinical", "directorclinical", "strategistclinical", "directorconsultantdirector",
}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9][a-z0-9'’*/&.-]*[a-z0-9]|[a-z0-9]", text.lower()))


@pytest.fixture
def demo(db, reference_data):
    proposal, created = demo_load()
    assert created
    return proposal


def test_it_loads_the_demo_users_with_their_roles(demo, client):
    roles = dict(Membership.objects.filter(proposal=demo).values_list("user__username", "role"))
    assert roles == {
        "coordinator": "coordinator", "editor": "editor", "reviewer": "reviewer", "observer": "observer",
    }
    # Signed in as a person does (the sign-in page: its throttle needs the request).
    response = client.post("/accounts/login/", {"username": "reviewer", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and client.get("/").context["user"].username == "reviewer"


def test_it_holds_the_seeds_classification(demo):
    groups = {g.title: g for g in OccupationGroup.objects.filter(proposal=demo)}
    major = groups["Health Care Practitioners and Technical Occupations"]
    assert (major.level, major.code, major.parent) == ("major", "29-0000", None)
    minor = groups["Health Information Technology (Health IT)"]
    assert (minor.level, minor.code, minor.parent) == ("minor", "", major)
    assert minor.title_options == "Health Informatics"
    broads = list(minor.children.order_by("position").values_list("title", flat=True))
    assert broads == [
        "Clinical Health IT", "Health Informatics/analytics/information management",
        "Health IT Systems Support", "Public Health Informatics – CDC/APHA",
        "Biomedical Informatics", "Analytics", "Consumer Health Informatics",
    ]


def test_it_attaches_task_lists_to_their_groups(demo):
    minor = OccupationGroup.objects.get(proposal=demo, level="minor")
    clinical = OccupationGroup.objects.get(proposal=demo, title="Clinical Health IT")
    assert minor.task_entries.count() == 10
    assert minor.workactivity_entries.count() == 10
    assert clinical.task_entries.count() == 12
    assert clinical.task_entries.first().text.startswith("Describe the organizational structure")
    assert list(clinical.jobtitle_entries.values_list("title", flat=True)) == [
        "Physicians", "Dentists", "Nurses", "Therapists", "Laboratory Technologists",
    ]


def test_it_holds_every_committee_item_of_the_seed(demo):
    outline = proposal_outline(demo)
    texts = {}
    current = None
    for block in outline.blocks:
        if block.kind == "heading" and block.level == 2 and block.number:
            current = block.text
            texts[current] = []
        elif current and block.kind in ("paragraph", "list", "table"):
            texts[current].append(block)
    # Every item the seed answers has text or entries in the demo.
    assert all(texts[item.title] for item in ITEMS), [item.title for item in ITEMS if not texts[item.title]]
    counts = {kind.key: kind.model.objects.filter(proposal=demo).count() for kind in ENTRY_KINDS}
    assert counts == {
        "task": 36, "work_activity": 10, "related_occupation": 4, "knowledge": 8, "skill": 10,
        "ability": 11, "job_title": 24, "workforce_figure": 8, "employer_type": 6, "education": 4,
        "licensing": 0, "tool": 19, "resource": 6,
    }
    assert Narrative.objects.get(proposal=demo, item="licensing").text == "Depends on workforce role."


def test_it_turns_the_seeds_notes_into_review_threads(demo):
    threads = list(Thread.objects.filter(proposal=demo))
    assert len(threads) == 19
    assert [t.position for t in threads] == list(range(1, 20))
    assert {kind: sum(t.kind == kind for t in threads) for kind in ("comment", "question", "action")} == {
        "comment": 8, "question": 7, "action": 4,
    }
    assert all(t.status == "open" and t.created_by is None for t in threads)
    assert not DraftNote.objects.filter(proposal=demo).exists()
    connie = Thread.objects.get(proposal=demo, author_name="Connie White Delaney")
    assert connie.quote == connie.original_quote == "Differentiate among types of health insurance"
    first = connie.comments.get()
    assert first.author_label == "Connie White Delaney"
    assert first.text.startswith("Consider updating to capture ACos")
    # Everything else in the seed is the group's own notes, signed by nobody.
    assert {t.author_name for t in threads} == {"Connie White Delaney", "Focus group draft"}
    opening = {t.comments.get().text: t.kind for t in threads}
    assert opening["GET EXACT NUMBERS FROM BLS AND HRSA"] == "action"
    assert opening["Others?"] == "question"
    assert any(text.startswith("look at redundancy with first task") for text in opening)


def test_it_anchors_each_thread_to_an_object_that_exists_and_to_the_words_it_quotes(demo):
    outline = proposal_outline(demo)
    known = {b.path for b in outline.walk() if b.path}
    spans = 0
    for thread in Thread.objects.filter(proposal=demo):
        assert not thread.is_detached, thread
        assert thread.path.split(".")[0] in known, thread
        if thread.quote:
            spans += 1
            assert selectors.text_at(demo, thread.path)[thread.start:thread.end] == thread.quote, thread
        else:
            assert (thread.start, thread.end) == (None, None), thread
    assert spans == 3


def test_it_loses_no_word_of_the_seed(demo):
    outline = proposal_outline(demo)
    shown = []
    for block in outline.walk():
        shown += [block.text, block.number, *block.cells, *(str(f.value) for f in block.fields)]
        if isinstance(block.obj, OccupationGroup):
            shown.append(block.obj.title_options)
    for thread in Thread.objects.filter(proposal=demo).prefetch_related("comments"):
        shown += [thread.quote, thread.author_name, *(c.text for c in thread.comments.all())]
    missing = words(SEED.read_text(encoding="utf-8")) - words("\n".join(shown)) - LAYOUT_WORDS
    assert not missing, sorted(missing)


def test_it_loads_only_once(demo, settings):
    settings.DEBUG = True  # as `make run` has it
    call_command("load_demo")
    assert Proposal.objects.filter(slug=demo.slug).count() == 1
    assert Thread.objects.filter(proposal=demo).count() == 19
    assert OccupationGroup.objects.filter(proposal=demo).count() == 9


def test_it_keeps_changes_made_to_the_demo_unless_reset(demo):
    demo.background = "Rewritten by the group."
    demo.save()
    proposal, created = demo_load()
    assert (proposal.pk, created) == (demo.pk, False)
    proposal.refresh_from_db()
    assert proposal.background == "Rewritten by the group."
    fresh, created = demo_load(reset=True)
    assert created and fresh.pk != demo.pk
    assert fresh.background.startswith("For the 2018 revision")
    assert Proposal.objects.count() == 1
    assert Thread.objects.count() == 19


def test_it_refuses_a_fixture_with_an_unknown_key(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "slug: broken\ntitle: Broken\ngroups:\n  - {key: m, level: major, title: M, colour: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="unknown keys \\['colour'\\]"):
        demo_load(path=broken)
    assert not Proposal.objects.filter(slug="broken").exists()


def test_it_refuses_a_note_quoting_text_that_is_not_there(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "slug: broken\ntitle: Broken\ngroups:\n"
        "  - key: m\n    level: major\n    title: Health\n"
        "    notes: [{field: title, quote: Wealth, text: 'typo?'}]\n",
        encoding="utf-8",
    )
    with pytest.raises(DemoDataError, match="'Wealth' is not in the title"):
        demo_load(path=broken)
    assert not Proposal.objects.exists()


# With DEBUG off: no account with the published password ------------------------------------

def test_with_debug_off_it_makes_no_account_unless_asked(db, settings):
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="--demo-users"):
        call_command("load_demo")
    assert not get_user_model().objects.exists() and not Proposal.objects.exists()


def test_with_debug_off_the_demo_users_get_random_passwords_shown_once(db, settings, capsys):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    settings.DEBUG = False
    call_command("load_demo", "--demo-users")
    out = capsys.readouterr().out
    passwords = dict(re.findall(r"Demo user (\w+): password: (\S+) \(shown once\)", out))
    assert sorted(passwords) == ["coordinator", "editor", "observer", "reviewer"]
    assert len(set(passwords.values())) == 4 and DEMO_PASSWORD not in out
    for username, password in passwords.items():
        user = User.objects.get(username=username)
        assert user.check_password(password) and not user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser and not user.is_staff
    call_command("load_demo", "--demo-users")  # again: nobody's password changes, none is printed
    again = capsys.readouterr().out
    assert "(shown once)" not in again and again.count("password unchanged") == 4
    assert all(User.objects.get(username=name).check_password(password) for name, password in passwords.items())


def test_with_debug_off_it_replaces_the_published_password_left_by_a_development_run(db, settings, capsys):
    from django.contrib.auth import get_user_model

    settings.DEBUG = True  # as `make run` has it: the README's password
    call_command("load_demo")
    assert get_user_model().objects.get(username="coordinator").check_password(DEMO_PASSWORD)
    settings.DEBUG = False
    call_command("load_demo", "--demo-users")
    assert not any(user.check_password(DEMO_PASSWORD) for user in get_user_model().objects.all())


def test_it_gives_the_demo_to_an_owner_without_demo_users(db, settings, owner):
    from django.contrib.auth import get_user_model

    settings.DEBUG = False
    call_command("load_demo", "--owner", "owner")
    proposal = Proposal.objects.get()
    assert list(proposal.memberships.values_list("user__username", "role")) == [("owner", "coordinator")]
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["owner"]
    assert Thread.objects.filter(proposal=proposal).count() == 19  # the draft's notes, as threads


def test_its_workforce_item_holds_real_bls_figures_with_their_source(demo):
    from occupations.entries import WorkforceFigure

    figures = {figure.description: figure for figure in WorkforceFigure.objects.filter(proposal=demo, year=2025)}
    assert {name: figure.number for name, figure in figures.items()} == {
        "Health Information Technologists and Medical Registrars": 38100,
        "Medical Records Specialists": 194720,
        "Computer Systems Analysts": 519530,
        "Medical and Health Services Managers": 597080,
        "Computer Occupations, Sector 62 - Health Care and Social Assistance": 156600,
    }
    assert {figure.source for figure in figures.values()} == {
        "U.S. Bureau of Labor Statistics, Occupational Employment and Wage Statistics, May 2025"}
    assert all(figure.citation.startswith("SOC ") for figure in figures.values())


def test_without_the_reference_data_it_loads_without_bls_figures(db):
    from occupations.entries import WorkforceFigure
    from reference.models import Release

    Release.objects.all().delete()
    proposal, _ = demo_load()
    assert WorkforceFigure.objects.filter(proposal=proposal).count() == 3  # the draft's own, nothing invented

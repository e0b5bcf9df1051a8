"""The demo proposal: the focus group's draft, loaded from fixtures/demo_proposal.yaml
through the same services as every other write. Loading again changes nothing;
`reset=True` deletes the demo proposal and loads it afresh."""

import secrets
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from occupations import bls, services, signals
from occupations.kinds import kind_for
from occupations.models import InformationItem, Proposal

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo_proposal.yaml"
DEMO_PASSWORD = "soc-demo-2028"

# username: (first name, last name); each has the role its name says.
DEMO_USERS = {
    "coordinator": ("Casey", "Morgan"),
    "editor": ("Eli", "Fischer"),
    "reviewer": ("Riley", "Park"),
    "observer": ("Owen", "Hart"),
}

_PROPOSAL_FIELDS = {"title", "revision_cycle", "status", "introduction", "meeting_goals",
                    "background", "committee_input"}
_TOP_KEYS = _PROPOSAL_FIELDS | {"slug", "members", "groups", "items"}
_GROUP_KEYS = {"key", "level", "code", "title", "title_options", "definition", "notes", "children"}
_ITEM_KEYS = {"item", "scope", "narrative", "notes", "entries", "bls_figures"}
_NOTE_KEYS = {"kind", "text", "author", "field", "quote"}


class DemoDataError(ValueError):
    pass


def _check_keys(data: dict, allowed: set, where: str) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise DemoDataError(f"{where}: unknown keys {sorted(unknown)}")


def demo_users_ensure(*, published_password: bool = True) -> tuple[dict, dict]:
    """The four demo users, and the passwords set now (username -> password).

    published_password (development): each has the README's password, put back on every
    run, and the coordinator has the Django admin. Otherwise (DEBUG off) a user made now,
    or one still holding the published password, gets a random password, returned to be
    printed once; the others keep theirs; nobody gets the admin."""
    User = get_user_model()
    users, passwords = {}, {}
    for username, (first, last) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@example.org"
        # The coordinator also gets the Django admin, the escape hatch for fixing data.
        user.is_staff = user.is_superuser = published_password and username == "coordinator"
        if published_password:
            if not user.check_password(DEMO_PASSWORD):
                user.set_password(DEMO_PASSWORD)
        elif created or not user.password or not user.has_usable_password() or user.check_password(DEMO_PASSWORD):
            passwords[username] = secrets.token_urlsafe(12)
            user.set_password(passwords[username])
        user.save()
        users[username] = user
    return users, passwords


class _Loader:
    def __init__(self, data: dict, users: dict):
        self.data = data
        self.users = users
        self.by = users["coordinator"]
        self.groups = {}
        self.notes_loaded = 0
        self.bls_skipped = 0

    def note(self, spec: dict, *, path: str, target=None, where: str):
        _check_keys(spec, _NOTE_KEYS, where)
        field, quote = spec.get("field", ""), spec.get("quote", "")
        if quote:
            if not field:
                raise DemoDataError(f"{where}: a note with a quote needs the field it quotes")
            if quote not in getattr(target, field):
                raise DemoDataError(f"{where}: {quote!r} is not in the {field} it is pinned to")
        services.draft_note_add(
            proposal=self.proposal,
            path=f"{path}.{field}" if field else path,
            text=spec["text"],
            kind=spec.get("kind", "comment"),
            quote=quote,
            author_name=spec.get("author", ""),
            position=self.notes_loaded + 1,
        )
        self.notes_loaded += 1

    def load(self) -> Proposal:
        data = self.data
        _check_keys(data, _TOP_KEYS, "top level")
        fields = {name: data[name] for name in _PROPOSAL_FIELDS if name in data}
        self.proposal = services.proposal_create(created_by=self.by, slug=data["slug"], **fields)
        for role, username in data.get("members", {}).items():
            if username not in self.users:  # loaded for an owner alone: no demo users
                continue
            services.membership_set(proposal=self.proposal, user=self.users[username], role=role, by=self.by)
        for position, spec in enumerate(data.get("groups", []), start=1):
            self.group(spec, parent=None, position=position)
        for index, spec in enumerate(data.get("items", []), start=1):
            self.item(spec, where=f"items[{index}]")
        # The review layer turns the staged notes into threads. The proposal may not import
        # it, so tells it; inside this transaction, so that a failure there loads nothing.
        signals.draft_notes_loaded.send(sender=Proposal, proposal_id=self.proposal.pk, by=self.by)
        return self.proposal

    def group(self, spec: dict, *, parent, position: int):
        where = f"group {spec.get('key')!r}"
        _check_keys(spec, _GROUP_KEYS, where)
        group = services.group_create(
            proposal=self.proposal,
            parent=parent,
            level=spec["level"],
            code=spec.get("code", ""),
            title=spec["title"],
            title_options=spec.get("title_options", ""),
            definition=spec.get("definition", ""),
            position=position,
            by=self.by,
        )
        self.groups[spec["key"]] = group
        for note in spec.get("notes", []):
            self.note(note, path=f"group:{group.pk}", target=group, where=where)
        for child_position, child in enumerate(spec.get("children", []), start=1):
            self.group(child, parent=group, position=child_position)

    def item(self, spec: dict, *, where: str):
        _check_keys(spec, _ITEM_KEYS, where)
        item = InformationItem(spec["item"])
        scope = spec.get("scope", "proposal")
        group = None if scope == "proposal" else self.groups[scope]
        narrative = None
        if "narrative" in spec or spec.get("notes"):
            narrative = services.narrative_set(
                proposal=self.proposal, group=group, item=item, text=spec.get("narrative", ""), by=self.by
            )
        for note in spec.get("notes", []):
            self.note(note, path=f"narrative:{narrative.pk}", target=narrative, where=where)
        for kind_key, entries in spec.get("entries", {}).items():
            kind = kind_for(kind_key)
            if kind.item != item:
                raise DemoDataError(f"{where}: {kind_key} entries do not belong to {item.value}")
            for position, values in enumerate(entries, start=1):
                values = dict(values)
                notes = values.pop("notes", [])
                entry = services.entry_create(
                    entry_kind=kind, proposal=self.proposal, group=group, position=position, by=self.by, **values
                )
                for note in notes:
                    self.note(note, path=f"{kind_key}:{entry.pk}", target=entry,
                              where=f"{where} {kind_key}[{position}]")
        for index, spec_figure in enumerate(spec.get("bls_figures", []), start=1):
            self.bls_figure(spec_figure, group=group, where=f"{where} bls_figures[{index}]")

    def bls_figure(self, spec: dict, *, group, where: str):
        """A workforce figure as BLS published it, read from the reference data (never
        typed into the demo file); left out when that data is not loaded."""
        try:
            values = bls.figure_values(spec["code"], spec.get("sector", ""))
        except bls.NotLoaded:
            self.bls_skipped += 1
            return
        except ValidationError as error:
            raise DemoDataError(f"{where}: {error.messages[0]}") from None
        services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=self.proposal, group=group,
                              by=self.by, **values)


def demo_load(*, path: Path = DEMO_FILE, reset: bool = False, users: dict | None = None
              ) -> tuple[Proposal, bool]:
    """The demo proposal and whether it was created now. users: username -> user for the
    file's members (at least "coordinator"); by default the demo users, with the
    published password."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    with transaction.atomic():
        if users is None:
            users, _ = demo_users_ensure()
        existing = Proposal.objects.filter(slug=data["slug"]).first()
        if existing is not None and not reset:
            return existing, False
        if existing is not None:
            existing.delete()
        return _Loader(data, users).load(), True

"""The registry of entry kinds and information items. Forms, the outline, the admin and
the Word export all read it, so a new kind of entry is one model and one line here."""

from dataclasses import dataclass

from occupations import entries
from occupations.models import InformationItem


@dataclass(frozen=True)
class EntryKind:
    key: str  # the path prefix: task:42.text
    model: type
    item: str
    text_fields: tuple[str, ...]  # the fields people write, in reading order; each has a path
    layout: str = "list"  # "list" (one bullet each) or "table" (one row each)
    group_by: str = ""  # a choice field whose values sub-head the entries
    columns: tuple[str, ...] = ()  # for tables: the fields shown, in order

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)

    @property
    def label_plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def field_label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)


@dataclass(frozen=True)
class ItemDefinition:
    item: str
    prompt: str
    kinds: tuple[EntryKind, ...]

    @property
    def title(self) -> str:
        return InformationItem(self.item).label


I = InformationItem

ENTRY_KINDS: tuple[EntryKind, ...] = (
    EntryKind("task", entries.Task, I.NATURE_OF_WORK, ("text",)),
    EntryKind("work_activity", entries.WorkActivity, I.NATURE_OF_WORK, ("name", "description")),
    EntryKind("related_occupation", entries.RelatedOccupation, I.DISTINCTNESS,
              ("code", "title", "distinction"), layout="table",
              columns=("code", "title", "distinction")),
    EntryKind("knowledge", entries.Knowledge, I.KNOWLEDGE_SKILLS_ABILITIES, ("name", "description")),
    EntryKind("skill", entries.Skill, I.KNOWLEDGE_SKILLS_ABILITIES, ("name", "description")),
    EntryKind("ability", entries.Ability, I.KNOWLEDGE_SKILLS_ABILITIES, ("name", "description")),
    EntryKind("job_title", entries.JobTitle, I.JOB_TITLES, ("title",)),
    EntryKind("workforce_figure", entries.WorkforceFigure, I.WORKFORCE,
              ("description", "source", "citation"), layout="table",
              columns=("description", "number", "year", "source")),
    EntryKind("employer_type", entries.EmployerType, I.EMPLOYERS, ("category", "examples")),
    EntryKind("education", entries.EducationRequirement, I.EDUCATION, ("text",), group_by="category"),
    EntryKind("licensing", entries.LicensingRequirement, I.LICENSING, ("text",)),
    EntryKind("tool", entries.Tool, I.TOOLS, ("category", "examples"), group_by="kind"),
    EntryKind("resource", entries.SupportingResource, I.RESOURCES, ("name", "examples"),
              group_by="category"),
)

_PROMPTS = {
    I.NATURE_OF_WORK: (
        "What duties do workers in the occupation perform? Critical work functions: what "
        "duties are frequent but not performed by all workers and might be identified as "
        "“may” statements in the occupation definition?"
    ),
    I.DISTINCTNESS: (
        "How is the work performed distinct from that of other detailed occupations in the "
        "SOC? Name the existing occupations compared and how the work differs from each."
    ),
    I.KNOWLEDGE_SKILLS_ABILITIES: "What knowledge, skills and abilities does the work require?",
    I.JOB_TITLES: "What job titles do workers in the occupation hold?",
    I.WORKFORCE: (
        "How many jobs or workers are in the occupation? Give each figure with its year "
        "and source."
    ),
    I.EMPLOYERS: "What types of employers employ workers in the occupation?",
    I.EDUCATION: (
        "What education, related experience, job training and certification does the work "
        "require?"
    ),
    I.LICENSING: "Is a license required to perform the work, and by whom is it issued?",
    I.TOOLS: "What tools and technology do workers in the occupation use?",
    I.RESOURCES: (
        "What education programs, curriculum standards, accreditation, credentials, data "
        "sources and partners support the proposal?"
    ),
}

ITEMS: tuple[ItemDefinition, ...] = tuple(
    ItemDefinition(
        item=item.value,
        prompt=_PROMPTS[item],
        kinds=tuple(kind for kind in ENTRY_KINDS if kind.item == item),
    )
    for item in InformationItem
)

KINDS_BY_KEY: dict[str, EntryKind] = {kind.key: kind for kind in ENTRY_KINDS}
KINDS_BY_MODEL: dict[type, EntryKind] = {kind.model: kind for kind in ENTRY_KINDS}


def kind_for(key: str) -> EntryKind:
    try:
        return KINDS_BY_KEY[key]
    except KeyError:
        raise LookupError(f"No entry kind {key!r}; known: {', '.join(KINDS_BY_KEY)}") from None


def entry_path(entry, field: str = "") -> str:
    """The stable address of an entry, or of one of its fields: task:42, task:42.text."""
    path = f"{KINDS_BY_MODEL[type(entry)].key}:{entry.pk}"
    return f"{path}.{field}" if field else path

"""Forms for writing the proposal. Each edit form carries the version it was based on,
so that a save on top of someone else's becomes a conflict to merge, not a loss."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from occupations import codes
from occupations.paths import PROPOSAL_TEXT_FIELDS, SETTINGS_FIELDS  # noqa: F401 (the views read them here)
from occupations.kinds import EntryKind
from occupations.models import Membership, Narrative, OccupationGroup, Proposal
from occupations.text import clean_text

# Long enough for any real paragraph or list, short enough that a stray paste of a whole
# book is refused with a message instead of being stored.
LIMITS = {"short": 300, "entry": 5_000, "section": 50_000}


class UncutCharField(forms.CharField):
    """A browser cuts what is typed or pasted past a field's maxlength, and says nothing:
    the field says its limit (data-limit, counted as one types by editing.js) and the
    form refuses what is over it with a message, keeping every character."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        if attrs.pop("maxlength", None) is not None:
            attrs["data-limit"] = str(self.max_length)
        return attrs


class CleanTextField(UncutCharField):
    """Text cleaned as it arrives (Word's control characters, CRLF, edge whitespace),
    then measured: the limit applies to what would be stored."""

    def __init__(self, *, multiline: bool = True, **kwargs):
        self.multiline = multiline
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)
        if self.max_length is not None:
            # Django's own message says "at most N characters (it has M)"; say what to do.
            for validator in self.validators:
                if getattr(validator, "code", "") == "max_length":
                    validator.message = (
                        "This is %(show_value)d characters long; the limit is %(limit_value)d. "
                        "Shorten it or split it into several entries: your text is kept here."
                    )

    def to_python(self, value):
        return clean_text(super().to_python(value), multiline=self.multiline)


def _text_formfield(model_field, limit_key: str = "entry"):
    multiline = model_field.get_internal_type() == "TextField"
    max_length = model_field.max_length or LIMITS[limit_key]
    widget = (
        forms.Textarea(attrs={"rows": 3 if limit_key == "entry" else 8})
        if multiline else forms.TextInput()
    )
    return CleanTextField(
        multiline=multiline,
        max_length=max_length,
        required=not model_field.blank,
        label=model_field.verbose_name.capitalize(),
        help_text=model_field.help_text,
        widget=widget,
        error_messages={"required": f"Write the {model_field.verbose_name}; it cannot be empty."},
    )


def _formfield_callback(limit_key: str):
    def callback(model_field, **kwargs):
        if model_field.get_internal_type() in ("TextField", "CharField") and not model_field.choices:
            return _text_formfield(model_field, limit_key)
        formfield = model_field.formfield(**kwargs)
        if formfield is not None:
            formfield.label = str(formfield.label).capitalize()
        return formfield

    return callback


class VersionedForm(forms.ModelForm):
    """A hidden field holds the version the person started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version if self.instance.pk else 0

    def values(self) -> dict:
        """The cleaned values of the model's fields this form edits."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.cleaned_data}

    def set_base_version(self, version: int) -> None:
        """After a conflict: the next save is based on what the person has now seen."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(version)
        self.data = data


ENTRY_EXCLUDE = {"id", "proposal", "position", "version", "created_at", "updated_at"}


class EntryForm(VersionedForm):
    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        group_field.queryset = OccupationGroup.objects.filter(proposal=proposal).order_by("position", "id")
        group_field.label = "Applies to"
        group_field.empty_label = "The whole proposal"
        group_field.required = False
        group_field.help_text = "The whole proposal, or one group of the classification."


_entry_forms: dict[str, type[EntryForm]] = {}


def entry_form_class(kind: EntryKind) -> type[EntryForm]:
    """The form for one kind of entry: every field people write, and its scope."""
    if kind.key not in _entry_forms:
        names = [
            field.name for field in kind.model._meta.concrete_fields if field.name not in ENTRY_EXCLUDE
        ]
        # In the order of the model (the order of the document's table columns), scope last.
        names.sort(key=lambda name: name == "group")
        _entry_forms[kind.key] = modelform_factory(
            kind.model, form=EntryForm, fields=names, formfield_callback=_formfield_callback("entry")
        )
    return _entry_forms[kind.key]


class NarrativeForm(VersionedForm):
    """An item's narrative. A new one can be for the whole proposal or for one group; an
    existing one stays where it is (its group is part of what it is)."""

    class Meta:
        model = Narrative
        fields = ["text", "group"]
        formfield_callback = _formfield_callback("section")

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["group"]
            return
        group_field = self.fields["group"]
        group_field.queryset = OccupationGroup.objects.filter(proposal=proposal).order_by("position", "id")
        group_field.label = "Applies to"
        group_field.empty_label = "The whole proposal"
        group_field.required = False


def proposal_text_form_class(field_name: str) -> type[VersionedForm]:
    if field_name not in PROPOSAL_TEXT_FIELDS:
        raise LookupError(field_name)
    return modelform_factory(
        Proposal, form=VersionedForm, fields=[field_name],
        formfield_callback=_formfield_callback("section"),
    )


class GroupForm(VersionedForm):
    class Meta:
        model = OccupationGroup
        fields = ["parent", "level", "code", "title", "title_options", "definition"]
        formfield_callback = _formfield_callback("entry")

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        parents = OccupationGroup.objects.filter(proposal=proposal).exclude(level=codes.DETAILED)
        if self.instance.pk:
            parents = parents.exclude(pk__in=_self_and_below(self.instance))
        self.fields["parent"].queryset = parents.order_by("position", "id")
        self.fields["parent"].label = "Belongs to"
        self.fields["parent"].empty_label = "Nothing: a major group at the top"
        self.fields["parent"].required = False
        self.fields["code"].help_text = (
            "Like 29-9021; leave blank while the code is not decided. "
            "A space, an en dash or no dash (299021) is fine."
        )
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off",
                                                 "class": "font-monospace"})
        self.fields["title_options"].widget.attrs["rows"] = 2

    def clean_code(self):
        return codes.normalize_code(self.cleaned_data.get("code", ""))

    def clean(self):
        cleaned = super().clean()
        parent, level = cleaned.get("parent"), cleaned.get("level")
        if parent is None and level and level != codes.MAJOR:
            self.add_error("parent", ValidationError(
                "Only a major group stands at the top: choose the group this one belongs to.",
                code="parent_required",
            ))
        return cleaned


def _self_and_below(group: OccupationGroup) -> set[int]:
    """The group's own id and every id below it, so none becomes its own ancestor."""
    ids, frontier = {group.pk}, [group.pk]
    while frontier:
        frontier = list(
            OccupationGroup.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ids.update(frontier)
    return ids


# Proposals and members ------------------------------------------------------------------

class ProposalNewForm(forms.Form):
    title = UncutCharField(
        max_length=300,
        error_messages={"required": "Give the proposal a title; you can change it later."},
        help_text="Like “Health Informatics Occupations”.",
    )
    revision_cycle = UncutCharField(
        label="Revision cycle", max_length=40, initial="2028 SOC",
        error_messages={"required": "Name the revision cycle, like 2028 SOC."},
    )


class ProposalSettingsForm(ProposalNewForm):
    status = forms.ChoiceField(choices=Proposal.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].help_text = ""

    def rebase(self, current: Proposal, *, changed: set[str]) -> None:
        """After a conflict: the next save is based on the version now saved. What this
        person typed stays; the fields they left alone show what is saved now, so that
        saving again does not quietly undo the other person's change to them."""
        data = self.data.copy()
        for name in SETTINGS_FIELDS:
            if name not in changed:
                data[self.add_prefix(name)] = getattr(current, name)
        data[self.add_prefix("version")] = str(current.version)
        self.data = data


class MemberInviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address", max_length=254,
        error_messages={"required": "Type the e-mail address of the person to invite.",
                        "invalid": "Type an e-mail address, like ann.lee@example.org."},
        help_text="They get an e-mail to accept or decline; until they accept they are not a member.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.REVIEWER)

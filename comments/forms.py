from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from comments.models import Thread
from comments.services import COMMENT_LIMIT
from occupations.forms import CleanTextField
from occupations.members import display_name


def _comment_field(label: str = "Comment", required: bool = True) -> CleanTextField:
    return CleanTextField(
        label=label, required=required, max_length=COMMENT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Type @ and a username to mention someone."}),
    )


class SpanFields(forms.Form):
    """Where: a path, and for a span its offsets and the words the person saw there."""

    path = forms.CharField(widget=forms.HiddenInput, max_length=100)
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    end = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    quote = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            raise ValidationError("A selection needs both its start and its end.", code="span")
        if start is not None and end < start:
            raise ValidationError("A selection cannot end before it starts.", code="span")
        return data


class ThreadForm(SpanFields):
    kind = forms.ChoiceField(choices=Thread.Kind.choices, initial=Thread.Kind.COMMENT, label="Kind")
    assignee = forms.ModelChoiceField(queryset=None, required=False, label="Assign to",
                                      help_text="For an action item: who is to do it.")
    text = _comment_field()

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = get_user_model().objects.filter(
            proposal_memberships__proposal=proposal).order_by("first_name", "last_name", "username")
        self.fields["assignee"].label_from_instance = display_name

    def clean(self):
        data = super().clean()
        if data.get("kind") != Thread.Kind.ACTION:
            data["assignee"] = None
        return data


class ReplyForm(forms.Form):
    text = _comment_field("Reply")


class CommentEditForm(forms.Form):
    text = _comment_field("Comment")


class SpanSuggestionForm(SpanFields):
    replacement = CleanTextField(
        label="Replace with", required=False, strip=False, max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Leave empty to suggest deleting these words.",
    )
    note = _comment_field("Why (optional)", required=False)

    def clean_replacement(self):
        # Kept as typed: the service cleans it, and keeps a space typed at either edge.
        return self.data.get(self.add_prefix("replacement"), "")

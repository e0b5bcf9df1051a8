from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from consensus.selectors import scope_choices
from occupations.models import OccupationGroup


class RoundOpenForm(forms.Form):
    scope = forms.ChoiceField(label="What the panel rates")
    anonymous = forms.BooleanField(
        label="Anonymous", required=False, initial=True,
        help_text="Results show no rater's name. Untick to show who said what once the round closes.")
    closes_at = forms.DateTimeField(
        label="Closes (optional)", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="The round closes itself then; you can close it sooner.")

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.fields["scope"].choices = scope_choices(proposal)

    def clean_scope(self) -> dict:
        item, kind, group_id = (self.cleaned_data["scope"].split("/") + ["", ""])[:3]
        group = None
        if group_id:
            group = OccupationGroup.objects.filter(proposal=self.proposal, pk=int(group_id)).first()
            if group is None:
                raise ValidationError("That group is no longer in the proposal.", code="scope_group")
        return {"item": item, "entry_kind": kind, "group": group}

    def clean_closes_at(self):
        closes_at = self.cleaned_data.get("closes_at")
        if closes_at is not None and closes_at <= timezone.now():
            raise ValidationError("The closing date has passed: choose a later one, or none.",
                                  code="closes_in_past")
        return closes_at


class RatingForm(forms.Form):
    path = forms.CharField(widget=forms.HiddenInput)
    relevant = forms.ChoiceField(label="Relevant to the occupation?", widget=forms.RadioSelect,
                                 choices=[("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")],
                                 error_messages={"required": "Say whether it is relevant: yes, no or not sure."})
    importance = forms.TypedChoiceField(
        label="Importance", required=False, coerce=int, empty_value=None, widget=forms.RadioSelect,
        choices=[(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")])
    reason = forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ThresholdsForm(forms.Form):
    quorum = forms.IntegerField(label="Quorum", min_value=1, max_value=500,
                                help_text="Fewer yes-or-no answers than this is too few (never more than who may rate).")
    core_importance = forms.DecimalField(label="Core: least mean importance", min_value=1, max_value=5,
                                         decimal_places=2, max_digits=3)
    agreement_pct = forms.IntegerField(label="Agreement: same answer, at least (%)", min_value=50, max_value=100)
    agreement_iqr = forms.DecimalField(label="Agreement: importance IQR, at most", min_value=0, max_value=4,
                                       decimal_places=2, max_digits=3)

from django import forms


class ExportForm(forms.Form):
    class Copy:
        SUBMISSION = "submission"
        REVIEW = "review"

    copy = forms.ChoiceField(
        choices=[
            (Copy.SUBMISSION, "Submission document"),
            (Copy.REVIEW, "Review copy"),
        ],
        initial=Copy.SUBMISSION,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the submission document or the review copy."},
    )
    resolved = forms.BooleanField(
        label="Include resolved threads, marked done", required=False,
    )

    def clean(self):
        data = super().clean()
        # The box sits under the review copy; left ticked when the submission document is
        # chosen, it means nothing (that copy has no comments at all).
        if data.get("copy") != self.Copy.REVIEW:
            data["resolved"] = False
        return data

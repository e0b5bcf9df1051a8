from django import forms
from django.conf import settings


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


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented way): a coordinator drops all the
    files the reviewers sent back at once."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            if not data:
                return super().clean(None, initial)
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportForm(forms.Form):
    file = MultipleFileField(
        label="Reviewed Word files (.docx)",
        help_text="Copies exported from this proposal, reviewed in Word, LibreOffice or Google Docs: one or "
                  f"several at once (up to {settings.IMPORT_FILES_PER_REQUEST} at a time), up to 20 MB each.",
        error_messages={"required": "Choose the reviewed Word file to import.",
                        "empty": "The file is empty."},
    )
    text_matching = forms.BooleanField(
        label="Match by text only", required=False,
        help_text="Only for a file that is not an export of this proposal: its paragraphs are matched to "
                  "the proposal's text instead of by the bookmarks the export writes.",
    )

"""Add BLS figure: a workforce figure from BLS's national employment estimates, by SOC
code and, optionally, NAICS sector. Editors and coordinators only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from occupations import access, bls
from occupations.views.editing import _scope_group
from reference import selectors


class BlsFigureForm(forms.Form):
    code = forms.CharField(label="SOC code", max_length=40, help_text="A detailed occupation or a group: 29-9021, 15-1200.")
    sector = forms.ChoiceField(label="Industry", required=False,
                               help_text="BLS's estimate for all industries, or within one NAICS sector.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", "All industries"), *selectors.sectors()]


@login_required
def bls_figure_add(request, pk: int):
    membership = access.membership_for(request.user, pk, access.WRITE)
    proposal = membership.proposal
    group = _scope_group(proposal, request.GET.get("group"))
    form = BlsFigureForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    not_loaded = selectors.sectors() == []
    if request.method == "POST" and form.is_valid():
        try:
            figure = bls.figure_add(proposal=proposal, by=request.user, code=form.cleaned_data["code"],
                                    sector_code=form.cleaned_data["sector"], group=group)
        except ValidationError as error:
            form.add_error("sector" if error.code == "sector_unknown" else "code", error)
        except bls.NotLoaded as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Added the BLS figure: {figure.number:,} — {figure.description} "
                                      f"({figure.year}).")
            return redirect(reverse("proposal_detail", args=[pk]) + f"#workforce_figure-{figure.pk}")
    return render(request, "occupations/bls_figure.html", {
        "proposal": proposal, "form": form, "group": group, "not_loaded": not_loaded,
    }, status=400 if form.errors else 200)

"""Workforce figures taken from BLS: an occupation's national employment in the latest
Occupational Employment and Wage Statistics (all industries, or one NAICS sector), made
into a workforce figure through the normal write, with its source and citation. Nothing
is invented: a figure BLS did not publish is refused, saying so."""

from django.core.exceptions import ValidationError

from occupations import services
from occupations.kinds import kind_for
from reference import loading, selectors
from reference.models import Occupation, Release


class NotLoaded(LookupError):
    """The reference data is not in the database (load_reference)."""


def figure_values(code: str, sector_code: str = "") -> dict:
    """The workforce figure's fields for this code (and sector)."""
    releases = selectors.latest_releases()
    estimates = releases.get(Release.Kind.OEWS)
    if estimates is None:
        raise NotLoaded("BLS's figures are not loaded: run `python manage.py load_reference`.")
    code = selectors.normalized(code)
    if not loading.CODE.match(code):
        raise ValidationError("Give a SOC code like 29-9021.", code="code_format")
    sectors = dict(selectors.sectors(release=estimates))
    if sector_code and sector_code not in sectors:
        raise ValidationError("Choose a sector from the list.", code="sector_unknown")
    soc = Occupation.objects.filter(release=releases.get(Release.Kind.SOC), code=code).first()
    figure = selectors.figures_for([code], sector_code, release=estimates).get(code)
    title = soc.title if soc is not None else figure.title if figure is not None else ""
    where = f" in {sectors[sector_code]}" if sector_code else ""
    if figure is None:
        if not title:
            raise ValidationError(f"{code} is not a code of the 2018 SOC or of BLS's estimates.", code="code_unknown")
        raise ValidationError(f"BLS published no employment figure for {code} {title}{where} in its "
                              f"Occupational Employment and Wage Statistics.", code="not_published")
    if figure.employment is None:
        why = f" ({' '.join(figure.notes)})" if figure.notes else ""
        raise ValidationError(f"BLS did not publish the employment of {code} {title}{where}{why}.",
                              code="not_published")
    citation = [f"SOC {code} {title}", f"NAICS {sectors[sector_code]} ({sector_code})" if sector_code
                else "all industries", f"national employment, {figure.period}"]
    return {
        "description": f"{title}{f', {sectors[sector_code]}' if sector_code else ''}",
        "number": figure.employment,
        "year": figure.year,
        "source": figure.source,
        "citation": "; ".join(citation) + "." + "".join(f" Note: {note}" for note in figure.notes),
    }


def figure_add(*, proposal, by, code: str, sector_code: str = "", group=None):
    """A workforce figure from BLS, written as any entry is (history, the page's live
    redraw). Raises ValidationError (with a code) or NotLoaded."""
    values = figure_values(code, sector_code)
    return services.entry_create(entry_kind=kind_for("workforce_figure"), proposal=proposal, group=group, by=by,
                                 **values)

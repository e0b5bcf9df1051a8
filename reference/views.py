"""The 2018 SOC reference page: search, the hierarchy, each occupation's definition,
job titles and national figures. For every signed-in user; it holds no proposal's data."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from reference import selectors
from reference.models import Occupation, Release


@login_required
def soc_reference(request):
    query = selectors.normalized(request.GET.get("q", ""))
    releases = selectors.latest_releases()
    release = releases.get(Release.Kind.SOC)
    hits, total = selectors.search(query, releases=releases, titles=False) if query else ([], 0)
    majors = [] if query or release is None else list(
        Occupation.objects.filter(release=release, level=Occupation.Level.MAJOR).order_by("code"))
    return render(request, "reference/soc.html", {
        "release": release, "oews": releases.get(Release.Kind.OEWS), "query": query, "hits": hits,
        "total": total, "majors": majors,
    })


@login_required
def soc_occupation(request, code: str):
    found = selectors.occupation(code)
    if found is None:
        raise Http404("No such code in the SOC.")
    return render(request, "reference/occupation.html", {
        "found": found, "occupation": found.occupation, "children": selectors.children(found.occupation),
        "release": found.occupation.release,
    })

"""Every page works under the Content-Security-Policy: no inline script, no event-handler
attribute, no inline style, so the policy needs no 'unsafe-inline'; and a signed-in
person's pages are private and revalidated (no-cache, not no-store)."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from occupations.demo import demo_load
from occupations.entries import Task


@pytest.fixture
def demo(db):
    return demo_load()[0]


def pages(proposal) -> list[str]:
    pk = proposal.pk
    task = Task.objects.filter(proposal=proposal).first()
    return [
        reverse("home"), reverse("inbox"), reverse("proposal_new"),
        reverse("proposal_detail", args=[pk]), reverse("proposal_settings", args=[pk]),
        reverse("member_list", args=[pk]), reverse("review_list", args=[pk]),
        reverse("review_list", args=[pk]) + "?tab=suggestions", reverse("proposal_history", args=[pk]),
        reverse("object_history", args=[pk, f"task:{task.pk}"]), reverse("export_page", args=[pk]),
        reverse("import_page", args=[pk]), reverse("entry_edit", args=[pk, "task", task.pk]),
        reverse("suggest_text", args=[pk]) + f"?path=task:{task.pk}",
        reverse("thread_new", args=[pk]) + f"?path=task:{task.pk}",
    ]


def inline_code(document) -> list[str]:
    found = [f"<script> without src: {(script.text or '')[:60]!r}" for script in document.iter("script")
             if not script.get("src")]
    found += [f"<style>: {(style.text or '')[:60]!r}" for style in document.iter("style")]
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        found += [f"{element.tag} {name}=" for name in element.attrib
                  if name == "style" or name.lower().startswith("on")]
    return found


def test_no_page_has_inline_script_or_style_or_leftover_template_syntax(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    for url in pages(demo) + [reverse("login")]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert inline_code(lxml_html.fromstring(response.content)) == [], url
        assert "{#" not in response.content.decode() and "{%" not in response.content.decode(), url  # template syntax left


def test_every_page_carries_a_policy_without_unsafe_inline(client, demo):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_member_pages_are_private_and_revalidated(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="reviewer"))
    for url in pages(demo)[:10]:
        response = client.get(url)
        cache = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-cache"} <= cache and "no-store" not in cache, url
        assert "Cookie" in response["Vary"], url
    export = client.get(reverse("export_word", args=[demo.pk]) + "?copy=submission")
    assert export["Cache-Control"] == "private, no-store"  # a download keeps its own


def test_the_page_with_an_inline_script_is_caught():
    """The check itself: what it must find, it finds."""
    page = lxml_html.fromstring('<html><body><p style="color:red" onclick="x()">a</p><script>go()</script>'
                                '<script src="/static/js/app.js"></script><style>p{}</style></body></html>')
    assert sorted(inline_code(page)) == sorted(["<script> without src: 'go()'", "<style>: 'p{}'", "p style=",
                                                "p onclick="])

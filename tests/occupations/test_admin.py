import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from occupations.demo import demo_load


@pytest.fixture
def coordinator(db):
    demo_load()
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="coordinator")


def test_it_registers_every_model_of_the_proposal(db):
    models = [m for m in apps.get_app_config("occupations").get_models() if not m.__name__.startswith("Historical")]
    assert [m.__name__ for m in models if m not in admin.site._registry] == []


def test_it_opens_every_list_and_add_page_for_the_coordinator(client, coordinator):
    client.force_login(coordinator)
    for model in apps.get_app_config("occupations").get_models():
        if model not in admin.site._registry:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:%s_%s_changelist" % info)).status_code == 200, model
        assert client.get(reverse("admin:%s_%s_add" % info)).status_code == 200, model


def test_it_shows_an_entrys_history(client, coordinator):
    from occupations.models import Task

    task = Task.objects.first()
    client.force_login(coordinator)
    response = client.get(reverse("admin:occupations_task_history", args=[task.pk]))
    assert response.status_code == 200
    assert b"coordinator" in response.content


def test_it_keeps_the_admin_from_the_other_demo_users(client, coordinator):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="editor"))
    response = client.get(reverse("admin:occupations_proposal_changelist"))
    assert response.status_code == 302

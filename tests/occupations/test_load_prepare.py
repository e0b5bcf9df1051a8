"""`manage.py load_prepare`, which `make load` runs on its throwaway database."""

import json

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from occupations.models import Membership


def test_it_refuses_a_database_not_made_for_the_load(db, tmp_path, monkeypatch):
    monkeypatch.delenv("LOAD_DATABASE", raising=False)
    with pytest.raises(CommandError, match="LOAD_DATABASE=1"):
        call_command("load_prepare", "--users", "3", "--out", str(tmp_path / "load.json"))
    assert not Membership.objects.exists()


def test_it_gives_the_demo_reviewers_and_an_editor_who_can_sign_in(db, tmp_path, monkeypatch):
    monkeypatch.setenv("LOAD_DATABASE", "1")
    out = tmp_path / "load.json"
    call_command("load_prepare", "--users", "3", "--out", str(out))
    config = json.loads(out.read_text())
    assert config["reviewers"] == ["load-reviewer-0", "load-reviewer-1", "load-reviewer-2"]
    roles = dict(Membership.objects.filter(proposal_id=config["proposal"]).values_list("user__username", "role"))
    assert roles == {"load-coordinator": "coordinator", "load-editor": "editor", **dict.fromkeys(config["reviewers"],
                                                                                                 "reviewer")}
    assert len(config["tasks"]) > 10 and len(config["threads"]) == 19
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="load-reviewer-1", password=config["password"]) is not None

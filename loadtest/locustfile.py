"""The focus group's meeting, for locust: each reviewer signs in, then reads the proposal,
the review list and their inbox every 1-3 s, revalidating what they have seen as a
browser does (If-None-Match), and now and then comments, replies or suggests; one
editor also saves an edit. Meanwhile each one's open proposal page asks every 5 s what
changed (live/?since=N with its tag), as static/js/live.js does; LOAD_POLL=0 turns that
off. Run by loadtest/run.py (make load)."""

import json
import os
import random
import re
import threading

import gevent
from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"], encoding="utf-8").read())
_names = iter(CONFIG["reviewers"])
_lock = threading.Lock()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
PAGE_VERSION = re.compile(r'data-version="(\d+)"')
POLL_SECONDS = 5 if os.environ.get("LOAD_POLL", "1") == "1" else 0


class Member(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def sign_in(self, username):
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = TOKEN.search(page.text).group(1)
        self.client.post("/accounts/login/", {"csrfmiddlewaretoken": token, "username": username,
                                              "password": CONFIG["password"]},
                         headers={"Referer": f"{self.host}/accounts/login/"}, name="sign in")
        self.seen = {}  # url -> ETag, as a browser's cache keeps it
        self.version, self.live_tag = None, None  # the change the open page shows, its live tag
        if POLL_SECONDS:
            self.poller = gevent.spawn(self.follow)

    def on_stop(self):
        if getattr(self, "poller", None) is not None:
            self.poller.kill(block=False)

    def follow(self):
        """The open page asking what changed, every few seconds (static/js/live.js)."""
        while True:
            gevent.sleep(POLL_SECONDS)
            if self.version is None:
                continue
            headers = {"HX-Request": "true", **({"If-None-Match": self.live_tag} if self.live_tag else {})}
            with self.client.get(f"{self.page}live/?since={self.version}", headers=headers, name="live",
                                 catch_response=True) as response:
                if response.status_code in (200, 204, 304):
                    self.live_tag = response.headers.get("ETag", self.live_tag)
                    self.version = response.headers.get("X-Proposal-Version", self.version)
                    response.success()

    def read(self, url, name):
        headers = {"If-None-Match": self.seen[url]} if url in self.seen else {}
        with self.client.get(url, headers=headers, name=name, catch_response=True) as response:
            if response.status_code in (200, 304):
                if response.headers.get("ETag"):
                    self.seen[url] = response.headers["ETag"]
                if url == self.page and response.status_code == 200:
                    found = PAGE_VERSION.search(response.text)
                    self.version = found.group(1) if found else self.version
                response.success()

    def send(self, url, data, name):
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "HX-Request": "true",
                   "Referer": f"{self.host}{self.page}"}
        self.client.post(url, data, headers=headers, name=name)

    @property
    def page(self):
        return f"/proposals/{CONFIG['proposal']}/"


class Reviewer(Member):
    weight = 50

    def on_start(self):
        with _lock:
            self.username = next(_names)
        self.sign_in(self.username)

    @task(10)
    def proposal(self):
        self.read(self.page, "proposal page")

    @task(4)
    def review_list(self):
        self.read(f"{self.page}review/", "review list")

    @task(4)
    def inbox(self):
        self.read("/inbox/", "inbox")

    @task(1)
    def comment(self):
        pk, _ = random.choice(CONFIG["tasks"])
        self.send(f"{self.page}threads/new/", {"path": f"task:{pk}", "kind": "comment",
                                               "text": f"A comment from {self.username}."}, "comment")

    @task(1)
    def reply(self):
        thread = random.choice(CONFIG["threads"])
        self.send(f"{self.page}threads/{thread}/reply/", {"text": f"A reply from {self.username}."}, "reply")

    @task(1)
    def suggest(self):
        pk, text = random.choice(CONFIG["tasks"])
        word = text.split(" ", 1)[0]
        self.send(f"{self.page}suggest/span/", {"path": f"task:{pk}.text", "start": 0, "end": len(word),
                                                "quote": word, "replacement": word.upper()}, "suggest")


class Editor(Member):
    weight = 1
    fixed_count = 1

    def on_start(self):
        self.sign_in(CONFIG["editor"])

    @task(3)
    def proposal(self):
        self.read(self.page, "proposal page")

    @task(1)
    def save(self):
        pk, text = random.choice(CONFIG["tasks"])
        url = f"{self.page}entries/task/{pk}/edit/"
        form = self.client.get(url, headers={"HX-Request": "true"}, name="edit form")
        version = VERSION.search(form.text)
        if version:  # a change each time: the words as they were, or with a note after them
            changed = text if int(version.group(1)) % 2 == 0 else f"{text} (reviewed)"
            self.send(url, {"text": changed, "version": version.group(1)}, "save an edit")

"""@mentions and the inbox ("Mentions and replies to me").

How to mention someone: type @ and their username, as on the members page (@ann.lee), or
their first and last name joined by a dot (@Ann.Lee, @Mary.Ann.Lee for a first name of
two words). Case does not matter. The @ must start a word, so an e-mail address
(ann@example.org) mentions nobody; a full stop, comma or other punctuation right after
the name ends it (“thanks @ann.lee.” mentions ann.lee). A name shared by two members
mentions neither of them: use the username. Only members of the proposal can be
mentioned, and never the comment's own author.

A mention is recorded once per comment and member: editing a comment notifies only the
members it newly names. The e-mail goes once the comment is saved (after the
transaction commits), so a comment that fails to save sends nothing, and a mail server
that refuses it does not lose the comment.

The inbox of a user holds, across their proposals: comments that mention them, replies
by others in threads they started or wrote in (those after their own first word there),
and open action items assigned to them and not done. Unread: newer than their last visit
of the inbox."""

import functools
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone as dt_timezone

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, InboxVisit, Mention, Notice, Thread
from comments.overview import place_of, quote_of
from occupations.members import display_name
from occupations.models import Membership

logger = logging.getLogger(__name__)

# "@" at the start of a word, then username characters; a trailing . + - is punctuation.
MENTION = re.compile(r"(?<![\w.+@-])@([\w][\w.+-]*)")
TRAILING = ".+-"
INBOX_LIMIT = 100
# Before any visit, everything is unread.
NEVER = datetime(1970, 1, 1, tzinfo=dt_timezone.utc)


def mentioned_names(text: str) -> list[str]:
    """The @names in a text, lower case, in order, without duplicates; each with the
    variants left after dropping trailing punctuation (ann.lee. -> ann.lee)."""
    names = []
    for match in MENTION.finditer(text):
        name = match.group(1).lower()
        while name:
            if name not in names:
                names.append(name)
            if name[-1] not in TRAILING:
                break
            name = name[:-1]
    return names


def _full_name_key(user) -> str:
    first, last = user.first_name.strip(), user.last_name.strip()
    if not (first and last):
        return ""
    return ".".join(f"{first} {last}".split()).lower()


def _members_by_name(members) -> dict[str, object]:
    """Each member under their username and, unless another member has the same name,
    their First.Last."""
    by_full_name: dict[str, list] = {}
    for user in members:
        key = _full_name_key(user)
        if key:
            by_full_name.setdefault(key, []).append(user)
    keys = {key: users[0] for key, users in by_full_name.items() if len(users) == 1}
    keys.update({user.username.lower(): user for user in members})
    return keys


def _site_url(request_or_base_url) -> str:
    """The absolute address of a page, as members.py makes its invitation links: from the
    request, else a base URL, else settings.SITE_URL (for writes without a request)."""
    if hasattr(request_or_base_url, "build_absolute_uri"):
        return request_or_base_url.build_absolute_uri("/").rstrip("/")
    base = request_or_base_url or getattr(settings, "SITE_URL", "") or "http://localhost:8000"
    return str(base).rstrip("/")


def thread_url(thread: Thread) -> str:
    """The thread (or the suggestion it discusses) in its place on the proposal's page."""
    return f"{reverse('proposal_detail', args=[thread.proposal_id])}#{place_of(thread)}"


def _mention_mail(mention: Mention, base_url: str) -> tuple[str, str, list[str]]:
    comment = mention.comment
    thread, proposal = comment.thread, comment.thread.proposal
    who = comment.author_label
    quote = quote_of(thread)
    lines = [
        f"Hello {display_name(mention.user)},",
        "",
        f"{who} mentioned you in a comment on the proposal “{proposal.title}”.",
        "",
        f"On: “{quote}”" if thread.has_span else f"On: {quote.lower()}",
        "",
        f"{who} wrote:",
        comment.text,
        "",
        "Read and reply in the proposal:",
        base_url + thread_url(thread),
    ]
    subject = f"{who} mentioned you in “{proposal.title}”"
    return subject, "\n".join(lines), [mention.user.email]


def _send(mails: list[tuple[str, str, list[str]]]) -> None:
    for subject, body, recipients in mails:
        send_mail(subject, body, None, recipients)


def mentions_record(comment: Comment, *, request_or_base_url=None) -> list[Mention]:
    """Record the members the comment names with @ and that were not recorded for it
    yet, and e-mail each of them (once the transaction commits). Returns the new ones.

    request_or_base_url: the request, or a base URL like https://studio.example.org,
    for the link in the e-mail; without one, settings.SITE_URL."""
    if comment.is_deleted or not comment.text:
        return []
    names = mentioned_names(comment.text)
    if not names:
        return []
    thread = comment.thread
    members = [
        membership.user
        for membership in Membership.objects.filter(proposal_id=thread.proposal_id).select_related("user")
        if membership.user_id != comment.author_id
    ]
    by_name = _members_by_name(members)
    wanted = []
    for name in names:
        user = by_name.get(name)
        if user is not None and user not in wanted:
            wanted.append(user)
    if not wanted:
        return []
    known = set(Mention.objects.filter(comment=comment).values_list("user_id", flat=True))
    new = [
        Mention.objects.create(comment=comment, user=user)
        for user in wanted
        if user.pk not in known
    ]
    base_url = _site_url(request_or_base_url)
    mails = [_mention_mail(mention, base_url) for mention in new if mention.user.email]
    if mails:
        # robust: a refused e-mail is logged, the comment stays saved.
        transaction.on_commit(lambda: _send(mails), robust=True)
    return new


# The inbox ---------------------------------------------------------------------------------

def _inbox_comments(user):
    """Comments for this user's inbox: mentions of them, and others' replies in threads
    they started or after their own comment there; in proposals they belong to."""
    mentioned = Mention.objects.filter(comment=OuterRef("pk"), user=user)
    wrote_before = Comment.objects.filter(
        thread=OuterRef("thread"), author=user, is_deleted=False, created_at__lt=OuterRef("created_at")
    )
    return (
        Comment.objects.filter(thread__proposal__memberships__user=user, is_deleted=False)
        .exclude(author=user)
        .filter(Exists(mentioned) | Q(thread__created_by=user) | Exists(wrote_before))
    )


def _inbox_actions(user):
    return Thread.objects.filter(
        proposal__memberships__user=user, assignee=user, kind=Thread.Kind.ACTION,
        status=Thread.Status.OPEN, is_done=False,
    )


def _last_visit(user):
    return Subquery(InboxVisit.objects.filter(user=user).values("seen_at")[:1])


def inbox_unread_for(request) -> int:
    """The reader's unread count, counted once per request (the page's tag and its header
    both show it)."""
    if not hasattr(request, "_inbox_unread"):
        request._inbox_unread = inbox_unread_count(request.user)
    return request._inbox_unread


def _unread(user):
    """The inbox items that came after the user's last visit, as one query."""
    since = Coalesce(_last_visit(user), Value(NEVER))
    comments = _inbox_comments(user).filter(created_at__gt=since).order_by().values("pk")
    actions = _inbox_actions(user).filter(created_at__gt=since).order_by().values("pk")
    notices = _inbox_notices(user).filter(created_at__gt=since).order_by().values("pk")
    return comments.union(actions, notices, all=True)


_READER = -7_000_000_001  # no account has this id: it marks where the reader's goes


@functools.lru_cache(maxsize=4)
def _unread_count_sql(vendor: str) -> tuple[str, tuple]:
    """The count's SQL, built once per process: every page shows the count, and Django
    took 4 of its 5 ms building and compiling this union; only the reader's id changes."""
    sql, params = _unread(get_user_model()(pk=_READER)).query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) unread", params


def inbox_unread_count(user) -> int:
    """How many inbox items came after the user's last visit: one query."""
    sql, params = _unread_count_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if param == _READER else param for param in params])
        return cursor.fetchone()[0]


def _inbox_notices(user):
    return Notice.objects.filter(user=user, proposal__memberships__user=user)


def notice_send(*, proposal, to, text: str, url: str, by=None, subject: str = "",
                request_or_base_url=None) -> list[Notice]:
    """A notice in each of these members' inboxes (a reminder, say); with a subject, also
    e-mailed to each who has an address, once the transaction commits (a refused e-mail is
    logged, the notice stays)."""
    notices = Notice.objects.bulk_create([Notice(user=user, proposal=proposal, sent_by=by, text=text, url=url)
                                          for user in to])
    if subject:
        said = (f"{display_name(by)} sent you a notice" if by is not None else "A notice") + \
            f" on the proposal “{proposal.title}”:"
        link = _site_url(request_or_base_url) + url
        mails = [(subject, "\n".join([f"Hello {display_name(user)},", "", said, "", text, "", "Open it here:", link]),
                  [user.email]) for user in to if user.email]
        if mails:
            transaction.on_commit(lambda: _send(mails), robust=True)
    return notices


@dataclass
class InboxItem:
    reason: str  # mention, reply, action, notice
    who: str
    when: datetime
    thread: Thread | None
    text: str
    is_new: bool = False
    notice: Notice | None = None

    @property
    def proposal(self):
        return self.notice.proposal if self.notice is not None else self.thread.proposal

    @property
    def proposal_id(self) -> int:
        return self.notice.proposal_id if self.notice is not None else self.thread.proposal_id

    @property
    def quote(self) -> str:
        return quote_of(self.thread) if self.thread is not None else ""

    @property
    def url(self) -> str:
        return self.notice.url if self.notice is not None else thread_url(self.thread)


def inbox_items(user, *, limit: int = INBOX_LIMIT, since: datetime | None = None) -> tuple[list[InboxItem], int]:
    """The newest inbox items (at most limit) and how many there are in all. since: the
    last visit; items after it are marked new. Seven queries, whatever the numbers."""
    related = ("thread__proposal", "thread__created_by", "thread__suggestion")
    comments = (
        _inbox_comments(user)
        .select_related("author", *related)
        .annotate(is_mention=Exists(Mention.objects.filter(comment=OuterRef("pk"), user=user)))
        .order_by("-created_at", "-id")
    )
    actions = (
        _inbox_actions(user)
        .select_related("proposal", "created_by", "suggestion")
        .prefetch_related("comments")
        .order_by("-created_at", "-id")
    )
    notices = _inbox_notices(user).select_related("proposal", "sent_by").order_by("-created_at", "-id")
    total = comments.count() + actions.count() + notices.count()
    items = [
        InboxItem(
            reason="mention" if comment.is_mention else "reply", who=comment.author_label,
            when=comment.created_at, thread=comment.thread, text=comment.text,
        )
        for comment in comments[:limit]
    ]
    for thread in actions[:limit]:
        first = next((comment for comment in thread.comments.all() if not comment.is_deleted), None)
        items.append(InboxItem(
            reason="action", who=thread.author_label, when=thread.created_at, thread=thread,
            text=first.text if first else "",
        ))
    for notice in notices[:limit]:
        items.append(InboxItem(reason="notice", who=display_name(notice.sent_by) if notice.sent_by_id else "",
                               when=notice.created_at, thread=None, text=notice.text, notice=notice))
    items.sort(key=lambda item: item.when, reverse=True)
    items = items[:limit]
    for item in items:
        item.is_new = since is None or item.when > since
    return items, total


def inbox_visit(*, user) -> datetime | None:
    """Mark everything in the user's inbox as seen; returns the previous visit's time."""
    now = timezone.now()
    visit, created = InboxVisit.objects.get_or_create(user=user, defaults={"seen_at": now})
    previous = None if created else visit.seen_at
    if not created:
        InboxVisit.objects.filter(pk=visit.pk).update(seen_at=now)
    return previous

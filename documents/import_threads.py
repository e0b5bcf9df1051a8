"""The import planner's threads: a review copy's comments and replies, known again when
the export wrote them (a reply added, a thread resolved in Word resolved here), new ones
placed on their words as the proposal has them now."""

from datetime import datetime, timezone

from comments.anchoring import anchor_at, reanchor
from comments.models import Thread
from documents.plan import Message, Person, Planned, Unmatched
from occupations.kinds import KINDS_BY_KEY

# Our own words in the comments of a review copy: recognised when they come back.
_KIND_PREFIXES = ("Question: ", "Question (", "Action item: ", "Action item (", "On the suggested change")
_DESCRIBED = "Suggested change ("


def _own_words(text: str) -> bool:
    return text.startswith(_DESCRIBED)


def _strip_kind(text: str) -> str:
    """A comment's text without the kind the export put before it ("Question: …")."""
    for prefix in _KIND_PREFIXES:
        if text.startswith(prefix):
            return text.split(": ", 1)[1] if ": " in text else text
    return text


class ThreadPlanning:
    """The comments half of documents.importing._Planner, which holds what these read: the
    reading, the plan, the threads by their opening comment (opening) and every comment
    (said), the people, and the texts now and as exported."""

    def _known_thread(self, text: str, author: Person):
        return self.opening.get((author.label, text.strip()))

    def _where(self, comment) -> tuple[str, int | None, int | None]:
        """(path, start, end in the file's text of that field) of a comment; a comment with
        no range, or on a whole entry, is on its paragraph's field or entry."""
        for path, found in self.reading.fields.items():
            for span in found.spans:
                if span.comment_id == comment.id:
                    if "." not in path:
                        return path, None, None
                    whole = span.start == 0 and span.end >= len(found.original)
                    if whole and path.split(":", 1)[0] in KINDS_BY_KEY:
                        return path.split(".", 1)[0], None, None
                    return path, (None if whole else span.start), (None if whole else span.end)
        index = self.reading.comment_paragraph.get(comment.id)
        if index is not None and self.reading.paragraphs[index].paths:
            path = self.reading.paragraphs[index].paths[0]
            return (path.split(".", 1)[0] if path.split(":", 1)[0] in KINDS_BY_KEY else path), None, None
        return "", None, None

    def comments(self) -> None:
        comments = self.reading.comments
        replies: dict[str, list] = {}
        for comment in comments.values():
            if comment.parent_id is not None:
                replies.setdefault(comment.parent_id, []).append(comment)
        for root in comments.values():
            if root.parent_id is not None:
                continue
            answers = sorted(replies.get(root.id, []), key=lambda item: (item.date or datetime.min.replace(
                tzinfo=timezone.utc), int(item.id) if item.id.isdigit() else 0))
            if _own_words(root.text):
                self.plan.recognized += 1 + len(answers)
                continue
            # A thread the export wrote is known by its first comment, wherever it sits
            # (on a heading, on a suggested entry that has no bookmark yet).
            known = self._known_thread(_strip_kind(root.text), self._person(root.author))
            if known is not None:
                self._follow_up(known, root, answers)
                continue
            if not answers and (self._person(root.author).label, root.text.strip()) in self.said:
                self.plan.recognized += 1  # an exported reply that came back on its own
                continue
            path, start, end = self._where(root)
            if not path:
                paragraph = self.reading.comment_paragraph.get(root.id)
                words = self.reading.paragraphs[paragraph].original if paragraph is not None else ""
                self.plan.unmatched.append(Unmatched("", f"{root.author}: {root.text}",
                                                     f"a comment on “{words[:80]}”, which is not text of the "
                                                     "proposal" if words else "a comment on nothing we can find"))
                continue
            self._new_thread(path, start, end, root, answers)

    def _follow_up(self, thread, root, answers) -> None:
        """A thread the export wrote, back: replies written in Word are added, and a thread
        resolved there is resolved here."""
        self.plan.recognized += 1
        said = {(comment.author_label, comment.text.strip()) for comment in thread.comments.all()}
        # A reply comes after what it answers, whatever the clock of the reviewer's computer.
        latest = max((comment.created_at for comment in thread.comments.all()), default=None)
        for answer in answers:
            person = self._person(answer.author)
            if (person.label, _strip_kind(answer.text).strip()) in said:
                self.plan.recognized += 1
                continue
            date = max(answer.date, latest) if answer.date and latest else answer.date or latest
            latest = date
            self.plan.items.append(Planned(kind="reply", path=thread.path, section=self._section(thread.path),
                                           author=person, date=date, thread=thread,
                                           messages=[Message(person, date, answer.text)]))
        if root.done and thread.status == Thread.Status.OPEN:
            self.plan.items.append(Planned(kind="resolve", path=thread.path, section=self._section(thread.path),
                                           author=self.editor, date=None, thread=thread))

    def _new_thread(self, path, start, end, root, answers) -> None:
        author = self._person(root.author)
        messages = [Message(author, root.date, root.text)]
        for item in answers:
            previous = messages[-1].date
            date = max(item.date, previous) if item.date and previous else item.date or previous
            messages.append(Message(self._person(item.author), date, item.text))
        planned = Planned(kind="thread", path=path, section=self._section(path), author=author, date=root.date,
                          messages=messages, resolved=root.done)
        if start is not None:
            found = self.reading.fields[path]
            now = self.current.get(path, "")
            was = self._was(path, now)
            anchor = anchor_at(found.original, start, end)
            if found.original != was:
                anchor = reanchor(anchor, found.original, was)
            if not anchor.detached and was != now:
                anchor = reanchor(anchor, was, now)
            if anchor.detached:
                self.plan.unmatched.append(Unmatched(self._section(path), f"{root.author}: {root.text}",
                                                     f"its words “{found.original[start:end][:80]}” are no longer "
                                                     "in the proposal"))
                return
            planned.start, planned.end, planned.quote = anchor.start, anchor.end, anchor.quote
        self.plan.items.append(planned)

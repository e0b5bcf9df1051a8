"""The proposal page's server time with its review: `benchmark` again, with one thread
(two comments, on a span) and one open suggestion for every two entries, as a coordinator
sees it (every tool: edit, comment, suggest, decide)."""

from comments.models import Comment, Suggestion, Thread
from occupations.entries import Task
from occupations.management.commands import benchmark


class Command(benchmark.Command):
    help = "Measure the proposal page with one thread and one suggestion per two entries."

    def fill(self, proposal, user, size):
        tasks = list(Task.objects.filter(proposal=proposal).order_by("id"))
        count = max(1, size // 2)
        threads, suggestions = [], []
        for index in range(count):
            task = tasks[index % len(tasks)]
            words = task.text.split(" ")
            start = len(words[0]) + 1
            end = start + len(words[1])
            threads.append(Thread(proposal=proposal, path=f"task:{task.pk}.text", start=start, end=end,
                                  quote=task.text[start:end], original_quote=task.text[start:end],
                                  created_by=user, kind=("comment", "question", "action")[index % 3]))
            suggestions.append(Suggestion(proposal=proposal, path=f"task:{task.pk}.text", start=0,
                                          end=len(words[0]), quote=words[0], original_quote=words[0],
                                          replacement=words[0].upper(), created_by=user))
        threads = Thread.objects.bulk_create(threads)
        Comment.objects.bulk_create(
            Comment(thread=thread, author=user, text=text)
            for thread in threads for text in ("Is this right?", "I think so, see the 2018 manual.")
        )
        Suggestion.objects.bulk_create(suggestions)
        return f"+ {len(threads)} threads, {len(suggestions)} suggestions"

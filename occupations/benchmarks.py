"""What other apps add to `manage.py benchmark`, without occupations importing them.

An app registers a section in its AppConfig.ready: `register(name, function)`. The command
prints its page table (the section "page") and then each registered section, in the order
they were registered; `--only` picks some by name. A section is called as

    function(command, user=..., repeat=..., **options)

inside the command's transaction, which is rolled back afterwards, with `user` a
coordinator it may use to create proposals; it prints its own table with
`command.stdout.write`. If it needs options of its own, `arguments(parser)` adds them to
the command's parser (their values arrive in `options`)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    function: Callable
    arguments: Callable | None = None


_sections: dict[str, Section] = {}


def register(name: str, function: Callable, arguments: Callable | None = None) -> None:
    if name == "page":
        raise ValueError("'page' is the benchmark's own page table; choose another name.")
    _sections[name] = Section(name, function, arguments)


def registered() -> dict[str, Section]:
    return dict(_sections)

"""Replies other than answers, composed from the phrase tables: the help text,
the reload report, the statistics and the unanswered questions. Pure functions,
no Telegram library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.questionlog.records import Group, Stats, Unanswered
from bot.telegram.phrases import Phrases, say
from bot.telegram.render import MESSAGE_LIMIT, escape, pack
from retrieval.library import ReloadReport

USER_COMMANDS = ("start", "help", "ask")
ADMIN_COMMANDS = ("reload", "stats", "unanswered", "docs", "remove")
MAX_LISTED_FILES = 20


@dataclass(frozen=True)
class Reader:
    """Who the help is for."""

    name: str
    user_id: int | None
    is_admin: bool


def command_descriptions(phrases: Phrases, admin: bool = False) -> list[tuple[str, str]]:
    names = USER_COMMANDS + (ADMIN_COMMANDS if admin else ())
    return [(name, str(getattr(phrases, f"cmd_{name}"))) for name in names]


def help_text(
    phrases: Phrases, reader: Reader, bot_username: str, examples: Sequence[str], admin_note: str = ""
) -> str:
    """The help; an admin's ends with their commands and ``admin_note`` (how to upload)."""
    lines = [say(phrases.intro, name=reader.name), "", say(phrases.how_to_ask, bot=bot_username)]
    if examples:
        lines += ["", phrases.examples, *(f"• <code>{escape(example)}</code>" for example in examples)]
    lines += ["", phrases.commands_title]
    lines += [f"/{name} — {escape(text)}" for name, text in command_descriptions(phrases)]
    if reader.is_admin:
        lines += ["", phrases.admin_commands_title]
        lines += [f"/{name} — {escape(getattr(phrases, f'cmd_{name}'))}" for name in ADMIN_COMMANDS]
        lines += [admin_note] if admin_note else []
    if reader.user_id is not None:
        lines += ["", say(phrases.your_id, user_id=reader.user_id)]
    return "\n".join(lines)


def _files(names: Sequence[str]) -> str:
    shown = ", ".join(_short(name) for name in names[:MAX_LISTED_FILES])
    return shown + (f", … (+{len(names) - MAX_LISTED_FILES})" if len(names) > MAX_LISTED_FILES else "")


def report_messages(phrases: Phrases, report: ReloadReport, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reload report: counts, files added / removed / changed, files skipped and why."""
    lines = [
        say(
            phrases.reloaded,
            documents=report.documents,
            passages=report.passages,
            seconds=f"{report.seconds:.2f}",
        )
    ]
    for template, names in (
        (phrases.reload_added, report.added),
        (phrases.reload_removed, report.removed),
        (phrases.reload_changed, report.changed),
    ):
        if names:
            lines.append(say(template, files=_files(names)))
    for skipped in report.skipped[:MAX_LISTED_FILES]:
        lines.append(
            say(phrases.reload_skipped, source=_short(skipped.source), reason=_short(skipped.reason))
        )
    return pack(lines, limit, separator="\n")


def _short(text: str, length: int = 120) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    return f"{days}d {clock}" if days else clock


def stats_text(
    phrases: Phrases,
    documents: int,
    passages: int,
    loaded_at: datetime,
    uptime: timedelta,
    answered: int,
) -> str:
    return say(
        phrases.stats,
        documents=documents,
        passages=passages,
        loaded_at=loaded_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
        uptime=duration(uptime),
        answered=answered,
    )


def week_text(phrases: Phrases, stats: Stats) -> str:
    """The last 7 days from the question log: questions, the share answered, 👍 and 👎."""
    share = f"{stats.answered / stats.questions:.0%}" if stats.questions else "—"
    return say(phrases.stats_week, questions=stats.questions, share=share, up=stats.up, down=stats.down)


def unanswered_messages(phrases: Phrases, found: Unanswered, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The most frequent unanswered questions with their counts, then those rated 👎."""
    lines = [say(phrases.unanswered, total=found.total) if found.total else phrases.unanswered_none]
    lines += _groups(phrases, found.groups)
    if found.disliked:
        lines += ["", phrases.disliked, *_groups(phrases, found.disliked)]
    return pack(lines, limit, separator="\n")


def _groups(phrases: Phrases, groups: Sequence[Group]) -> list[str]:
    return [say(phrases.group, count=group.count, question=_short(group.question)) for group in groups]

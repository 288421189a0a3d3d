"""The ``qabot`` command: ask, repl, telegram, eval, log.

Errors the user can fix are one line on stderr and exit status 2, never a
traceback; the messages come from the library, the command only words them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from bot.questionlog.records import LogError
from bot.settings import Settings, SettingsError, load_settings
from bot.terminal import answer_json, render_answer
from retrieval.errors import DocumentsError, QuestionError
from retrieval.library import Library

USAGE_ERROR = 2


class UsageError(Exception):
    """Bad input from the command line: worded as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="qabot", description="Ask questions, get the passages of your documents that answer them."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)
    ask = commands.add_parser("ask", help="answer questions (from the arguments, or one per line on stdin)")
    ask.add_argument("questions", nargs="*", metavar="QUESTION", help="questions; none: read them from stdin")
    ask.add_argument("--docs", type=Path, metavar="DIR", help="documents folder (default: DOCS_DIR)")
    ask.add_argument("--top-k", type=_positive, metavar="N", help="passages per answer (default: TOP_K)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    repl = commands.add_parser("repl", help="a console for trying the bot")
    repl.add_argument("--docs", type=Path, metavar="DIR", help="documents folder (default: DOCS_DIR)")
    repl.add_argument("--top-k", type=_positive, metavar="N", help="passages per answer (default: TOP_K)")
    commands.add_parser("telegram", help="run the Telegram bot (needs TELEGRAM_BOT_TOKEN)")
    evaluation = commands.add_parser("eval", help="measure retrieval on a question set")
    evaluation.add_argument(
        "dataset",
        type=Path,
        metavar="DATASET",
        help="SQuAD-format .json (its contexts are the passages) or .jsonl of "
        '{"question": ..., "expect": text or null} asked against the documents',
    )
    evaluation.add_argument(
        "--docs",
        type=Path,
        metavar="DIR",
        help="documents folder (for .jsonl; for .json: ask against it instead)",
    )
    evaluation.add_argument("--top-k", type=_positive, metavar="N", help="also report Recall@N")
    evaluation.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    evaluation.add_argument(
        "--traditional", action="store_true", help="convert the questions to Traditional Chinese first"
    )
    _add_log(
        commands.add_parser("log", help="the questions asked in Telegram, newest first (the question log)")
    )
    return parser


def _add_log(log: argparse.ArgumentParser) -> None:
    log.add_argument(
        "--since", type=_positive, metavar="DAYS", help="only the questions of the last DAYS days"
    )
    log.add_argument("--unanswered", action="store_true", help="only the questions that got no answer")
    form = log.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object per question, one per line")
    form.add_argument("--csv", action="store_true", help="CSV, with a header line")
    log.add_argument(
        "--forget-user", type=int, metavar="ID", help="delete the questions and votes of Telegram user ID"
    )


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "docs", None) is not None:
        overrides["docs_dir"] = args.docs
    if getattr(args, "top_k", None) is not None:
        overrides["top_k"] = args.top_k
    return load_settings(**overrides)


def _use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or bool(getattr(stream, "isatty", lambda: False)())


def run_ask(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if any(not question.strip() for question in args.questions):
        raise QuestionError("the question is empty")
    library = Library(settings.retrieval())
    if not args.questions and sys.stdin.isatty():
        print("Type one question per line; Ctrl-D ends (or try: qabot repl).", file=sys.stderr)
    questions = args.questions or (line.strip() for line in sys.stdin if line.strip())
    color = _use_color(sys.stdout)
    for number, question in enumerate(questions):
        answer = library.ask(question, settings.top_k)
        if args.json:
            print(answer_json(answer), flush=True)
        else:
            print(
                ("\n" if number else "") + f"Q: {question}\n" + render_answer(answer, color),
                end="",
                flush=True,
            )
    return 0


def run_repl_command(args: argparse.Namespace) -> int:
    from bot.repl import enable_line_editing, run_repl

    settings = _settings(args)
    library = Library(settings.retrieval())
    if sys.stdin.isatty():
        enable_line_editing()
    return run_repl(library, settings.top_k, color=_use_color(sys.stdout))


def run_telegram(args: argparse.Namespace) -> int:
    from bot.telegram.app import run

    return run(load_settings())


def run_eval(args: argparse.Namespace) -> int:
    from bot.evaluation import render_evaluation, run_evaluation

    settings = load_settings(**({"docs_dir": args.docs} if args.docs else {}))
    result = run_evaluation(settings, args.dataset, args.docs, args.top_k, args.traditional)
    print(render_evaluation(result, args.json), end="")
    return 0


def run_log(args: argparse.Namespace) -> int:
    from bot.logbook import Form, forget_user, list_questions

    settings = load_settings()
    if args.forget_user is not None:
        others = [f"--{name}" for name in ("since", "unanswered", "json", "csv") if getattr(args, name)]
        if others:
            raise UsageError(
                f"--forget-user cannot be combined with {', '.join(others)} (see qabot log --help)"
            )
        print(forget_user(settings, args.forget_user))
        return 0
    form: Form = "json" if args.json else "csv" if args.csv else "text"
    list_questions(settings, args.since, args.unanswered, form, sys.stdout)
    return 0


COMMANDS = {
    "ask": run_ask,
    "repl": run_repl_command,
    "telegram": run_telegram,
    "eval": run_eval,
    "log": run_log,
}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="qabot: %(levelname)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except UsageError as error:
        print(f"qabot: error: {error}", file=sys.stderr)
    except (SettingsError, DocumentsError, QuestionError, LogError) as error:
        print(f"qabot: error: {error}", file=sys.stderr)
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    return USAGE_ERROR


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

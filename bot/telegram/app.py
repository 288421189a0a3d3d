"""Running the Telegram bot: build the Application, poll (or take webhooks), stop on a signal.

``run`` checks the token first (getMe: a wrong token or an unreachable server
fails in a second, before a big folder is read), then loads the documents (so
the first question is fast), then serves until SIGTERM or SIGINT and returns 0.
Problems the user can fix are one line on stderr and exit status 2.

Webhooks are python-telegram-bot's own server (tornado): it takes POSTs on the
path of WEBHOOK_URL and answers 403 to any request without the secret token in
``X-Telegram-Bot-Api-Secret-Token``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
import signal
import sys
from collections.abc import Coroutine
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, LinkPreviewOptions, Update
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ContextTypes, Defaults, Updater
from tornado.netutil import bind_sockets

from bot.counting import counted
from bot.folder.uploads import STAGING, sweep
from bot.settings import Settings, SettingsError
from bot.telegram.callbacks import Buttons
from bot.telegram.commands import Commands
from bot.telegram.documents import Documents
from bot.telegram.handlers import Questions, phrases_of
from bot.telegram.inline import Inline
from bot.telegram.journal import Journal
from bot.telegram.logs import Scrubber, configure_logging
from bot.telegram.menus import set_menus
from bot.telegram.service import Service
from bot.telegram.uploads import Uploads
from retrieval.library import Library

log = logging.getLogger(__name__)

USAGE_ERROR = 2
ALLOWED_UPDATES = ["message", "callback_query", "inline_query"]
NO_TOKEN = (
    "TELEGRAM_BOT_TOKEN is not set: put the token @BotFather gave you in .env "
    "(see .env.example), or try the bot in a console with `qabot repl`"
)
SECRET_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")

App = Application[Any, ContextTypes.DEFAULT_TYPE, Any, Any, Any, Any]


def webhook_secret(settings: Settings) -> str | None:
    """WEBHOOK_SECRET, or a random one when unset; ``None`` in polling mode."""
    if not settings.webhook_url:
        return None
    if settings.webhook_secret is None:
        return secrets.token_urlsafe(32)
    secret = settings.webhook_secret.get_secret_value()
    if not 1 <= len(secret) <= 256 or not set(secret) <= SECRET_CHARS:
        raise SettingsError("setting WEBHOOK_SECRET: use 1-256 characters A-Z, a-z, 0-9, _ and -")
    return secret


def run(settings: Settings) -> int:
    """Serve Telegram until stopped; the exit status."""
    if settings.telegram_bot_token is None:
        raise SettingsError(NO_TOKEN)
    token = settings.telegram_bot_token.get_secret_value()
    secret = webhook_secret(settings)
    scrub = Scrubber([token, secret or ""])
    setup_logging(scrub)
    # A stop signal while the documents load ends the process cleanly too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    journal = Journal.open(settings) if settings.query_log else None  # before the long load: fail fast
    try:
        if status := _status_of(check_token(settings, token), settings, scrub):
            return status
        library = Library(settings.retrieval())
        service = Service.create(library, settings, journal)
        if swept := sweep(settings.docs_dir):
            log.info("deleted %d unfinished uploads left in %s", swept, settings.docs_dir / STAGING)
        application = build_application(settings, token, service)
        return _status_of(serve(application, settings, service, secret), settings, scrub)
    finally:
        if journal is not None:
            journal.close()  # writes what is still queued


async def check_token(settings: Settings, token: str) -> None:
    """Ask the Bot API server which bot the token is for (getMe): ``InvalidToken``, ``NetworkError``."""
    root = settings.telegram_api_base_url.rstrip("/")
    async with Bot(token, base_url=f"{root}/bot", base_file_url=f"{root}/file/bot"):
        pass


def _status_of(main: Coroutine[Any, Any, None], settings: Settings, scrub: Scrubber) -> int:
    """Run ``main``: 0, or 2 with one line on stderr for a problem the user can fix."""
    try:
        asyncio.run(main)
    except InvalidToken:
        print("qabot: error: the Bot API server rejected TELEGRAM_BOT_TOKEN; check it", file=sys.stderr)
        return USAGE_ERROR
    except NetworkError as error:
        url = settings.telegram_api_base_url
        print(f"qabot: error: cannot reach the Bot API server at {url}: {scrub(str(error))}", file=sys.stderr)
        return USAGE_ERROR
    except OSError as error:
        where = f"{settings.webhook_listen}:{settings.webhook_port}"
        print(f"qabot: error: cannot listen for webhooks on {where}: {scrub(str(error))}", file=sys.stderr)
        return USAGE_ERROR
    return 0


def setup_logging(scrub: Scrubber) -> None:
    """Our logging, with the webhook server's loggers (tornado) kept at WARNING too.

    Their records go through the root handlers, so they are scrubbed like the others.
    """
    configure_logging(scrub)
    logging.getLogger("tornado").setLevel(logging.WARNING)


def build_application(settings: Settings, token: str, service: Service) -> App:
    root = settings.telegram_api_base_url.rstrip("/")
    builder = (
        Application.builder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .concurrent_updates(True)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .defaults(
            Defaults(
                link_preview_options=LinkPreviewOptions(is_disabled=True), allow_sending_without_reply=True
            )
        )
    )
    application: App = builder.build()
    commands, buttons, uploads = Commands(service), Buttons(service), Uploads(service)
    documents = Documents(service)
    application.add_handlers(
        [*uploads.handlers(), *documents.handlers(), *commands.handlers(), *Questions(service).handlers()]
    )
    application.add_handlers(buttons.handlers())
    application.add_handlers([*Inline(service).handlers(), *commands.fallback(), *buttons.fallback()])
    application.add_error_handler(on_error)
    return application


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with its traceback; say sorry where there is someone to say it to."""
    if isinstance(context.error, Forbidden):  # the user blocked the bot, or it left the group
        log.warning("cannot reply: %s", context.error)
        return
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update):
        return
    phrases = phrases_of(update)
    with suppress(TelegramError):
        if update.callback_query is not None:
            await update.callback_query.answer(phrases.error)
        elif update.inline_query is not None:
            await update.inline_query.answer([])
        elif update.effective_message is not None:
            await update.effective_message.reply_html(phrases.error)


async def announce(application: App, service: Service) -> None:
    """The command menus, and the examples computed ahead of the first /start."""
    await set_menus(application.bot, service.settings.admin_user_ids)
    await asyncio.to_thread(service.examples)


async def serve(application: App, settings: Settings, service: Service, secret: str | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    updater = application.updater
    assert updater is not None
    async with application:
        await announce(application, service)
        if settings.webhook_url and secret:
            mode = f"webhook on {await start_webhook(updater, settings, secret)}"
        else:
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES, error_callback=_poll_error)
            mode = "polling"
        await application.start()
        index = service.library.index
        log.info(
            "answering as @%s (%s): %s, %s",
            application.bot.username,
            mode,
            counted(len(index.documents), "document"),
            counted(len(index.passages), "passage"),
        )
        await stop.wait()
        log.info("stopping")
        if updater.running:
            await updater.stop()
        await application.stop()
    log.info("stopped")


def _poll_error(error: TelegramError) -> None:
    log.warning("getting updates failed, retrying: %s", error)


async def start_webhook(updater: Updater, settings: Settings, secret: str) -> str:
    """PTB's webhook server on WEBHOOK_LISTEN:WEBHOOK_PORT (port 0: any free one), then
    setWebhook (done by PTB); the address it listens on, ``host:port``."""
    url = settings.webhook_url or ""
    # Bound here and handed to PTB (which calls setWebhook before it listens): a busy port
    # (another instance?) fails before Telegram is told a new secret the running instance
    # does not know, and port 0 is a port known once bound.
    listening, *others = bind_sockets(settings.webhook_port, settings.webhook_listen)
    for other in others:  # a host name with several addresses: PTB serves one socket
        log.warning(
            "WEBHOOK_LISTEN %s has several addresses: listening on the first", settings.webhook_listen
        )
        other.close()
    try:
        await updater.start_webhook(
            url_path=re.escape(urlsplit(url).path),  # PTB routes on it as a regular expression
            webhook_url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            unix=listening,  # any listening socket, despite the name
        )
    except BaseException:
        listening.close()
        raise
    host, port = listening.getsockname()[:2]
    return f"{host}:{port}"

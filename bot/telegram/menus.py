"""The command menu (setMyCommands): everyone's, in every language; and, in each admin's
own chat (a ``BotCommandScopeChat`` per admin), the admin commands too."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest

from bot.telegram.phrases import DEFAULT, LANGUAGES
from bot.telegram.replies import command_descriptions

log = logging.getLogger(__name__)


async def set_menus(bot: Bot, admins: Iterable[int]) -> None:
    """Everyone's menu, then each admin's (see ``set_admin_menu``)."""
    for phrases in LANGUAGES.values():
        commands = [BotCommand(name, text) for name, text in command_descriptions(phrases)]
        await bot.set_my_commands(commands, language_code=None if phrases is DEFAULT else phrases.code)
    for admin in admins:
        await set_admin_menu(bot, admin)


async def set_admin_menu(bot: Bot, admin: int) -> bool:
    """The admin commands in ``admin``'s private chat, in every language. Telegram knows
    that chat only once the admin has written to the bot: until then this fails (a warning),
    and is done again when the admin sends /start. False if it failed."""
    for phrases in LANGUAGES.values():
        commands = [BotCommand(name, text) for name, text in command_descriptions(phrases, admin=True)]
        code = None if phrases is DEFAULT else phrases.code
        try:
            await bot.set_my_commands(commands, scope=BotCommandScopeChat(admin), language_code=code)
        except BadRequest as error:
            log.warning("cannot set the admin command menu for %d (send the bot /start): %s", admin, error)
            return False
    return True

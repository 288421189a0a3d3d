"""Everything the bot says, one table per language.

A table is a :class:`Phrases`; adding a language is adding a table to
``LANGUAGES`` under its IETF code (``"de"``, ``"pt-br"`` …). The texts are
Telegram HTML written by us; ``{fields}`` are filled by :func:`say`, which
escapes what goes in, so document and user text can never break the markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.counting import Count


@dataclass(frozen=True)
class Phrases:
    code: str
    # /start and /help
    intro: str
    how_to_ask: str
    examples: str
    commands_title: str
    admin_commands_title: str
    your_id: str
    # command menu (setMyCommands) and /help lines
    cmd_start: str
    cmd_help: str
    cmd_ask: str
    cmd_reload: str
    cmd_stats: str
    cmd_unanswered: str
    cmd_docs: str
    cmd_remove: str
    # answers
    no_answer: str
    more_button: str
    stale_button: str
    no_more: str
    page_note: str
    page_note_one: str
    continued: str
    thanks_up: str
    thanks_down: str
    # refusals and limits
    not_text: str
    too_long: str
    rate_limited: str
    not_allowed: str
    admins_only: str
    ask_usage: str
    error: str
    # /reload and /stats
    reloading: str
    reloaded: str
    reload_added: str
    reload_removed: str
    reload_changed: str
    reload_skipped: str
    reload_failed: str
    stats: str
    stats_week: str
    # /unanswered
    unanswered: str
    unanswered_none: str
    disliked: str
    group: str
    log_off: str


ZH = Phrases(
    code="zh",
    intro="你好，{name}！我从文档中找出回答你问题的原文段落，逐字引用，并注明出处。",
    how_to_ask=(
        "直接发给我一个问题即可；在群组里请用 /ask 问题、回复我的消息或 @{bot} 提问。"
        "在任何聊天中输入 @{bot} 加问题也能使用。"
    ),
    examples="可以试试：",
    commands_title="命令：",
    admin_commands_title="管理员命令：",
    your_id="你的 Telegram 用户 ID：<code>{user_id}</code>",
    cmd_start="介绍与示例问题",
    cmd_help="使用说明",
    cmd_ask="提问（群组中使用）",
    cmd_reload="重新读取文档（管理员）",
    cmd_stats="运行统计（管理员）",
    cmd_unanswered="最近 7 天没有答案的问题（管理员）",
    cmd_docs="列出文档（管理员）",
    cmd_remove="删除一个文档：/remove 文件名（管理员）",
    no_answer="文档中没有与这个问题相符的内容。试试换个说法、用文档里的词，或者少用几个词。",
    more_button="更多段落 ▸",
    stale_button="这个按钮已过期，请重新提问。",
    no_more="没有更多段落了。",
    page_note="第 {first}–{last} 段，共 {total} 段",
    page_note_one="第 {first} 段，共 {total} 段",
    continued="（续）",
    thanks_up="谢谢反馈！👍",
    thanks_down="谢谢反馈！👎 管理员会看到这个问题。",
    not_text="我只能回答文字问题，请把问题打成文字发给我。",
    too_long="问题太长了（{length} 字），请控制在 {limit} 字以内。",
    rate_limited="提问太频繁了，请 {seconds} 秒后再试。",
    not_allowed="抱歉，这个机器人只对指定的用户开放。",
    admins_only="抱歉，只有管理员可以使用这个命令。",
    ask_usage="用法：/ask 你的问题",
    error="抱歉，处理这条消息时出错了。请稍后再试。",
    reloading="正在重新读取文档……",
    reloaded="已重新读取：{documents} 个文档，{passages} 个段落，用时 {seconds} 秒。",
    reload_added="新增：{files}",
    reload_removed="删除：{files}",
    reload_changed="修改：{files}",
    reload_skipped="已跳过 {source}：{reason}",
    reload_failed="重新读取失败，仍在使用之前的文档。原因：{reason}",
    stats=(
        "文档：{documents}\n段落：{passages}\n最近读取：{loaded_at}\n已运行：{uptime}\n已回答问题：{answered}"
    ),
    stats_week="最近 7 天：{questions} 个问题，{share} 有答案，👍 {up} / 👎 {down}",
    unanswered="<b>最近 7 天没有答案的问题</b>（共 {total} 次）：",
    unanswered_none="最近 7 天所有问题都有答案。",
    disliked="<b>被评为 👎 的问题</b>：",
    group="• {count} × {question}",
    log_off="问题日志已关闭（QUERY_LOG=false）。",
)

EN = Phrases(
    code="en",
    intro="Hello, {name}! I find the passages of my documents that answer your question, "
    "quote them word for word and say where they come from.",
    how_to_ask=(
        "Just send me a question. In groups, use /ask question, reply to one of my messages, "
        "or mention @{bot}. In any chat you can also type @{bot} and a question."
    ),
    examples="Try:",
    commands_title="Commands:",
    admin_commands_title="Admin commands:",
    your_id="Your Telegram user id: <code>{user_id}</code>",
    cmd_start="what this bot does, with examples",
    cmd_help="how to use this bot",
    cmd_ask="ask a question (in groups)",
    cmd_reload="re-read the documents (admins)",
    cmd_stats="statistics (admins)",
    cmd_unanswered="questions without an answer in the last 7 days (admins)",
    cmd_docs="the documents served (admins)",
    cmd_remove="remove a document: /remove NAME (admins)",
    no_answer="Nothing in the documents matches this question. "
    "Try other words, words the documents would use, or fewer of them.",
    more_button="More passages ▸",
    stale_button="This button has expired; please ask again.",
    no_more="There are no more passages.",
    page_note="Passages {first}–{last} of {total}",
    page_note_one="Passage {first} of {total}",
    continued=" (continued)",
    thanks_up="Thanks for the feedback! 👍",
    thanks_down="Thanks for the feedback! 👎 The admins will see this question.",
    not_text="I can only answer questions written as text; please type your question.",
    too_long="That question is too long ({length} characters); please keep it under {limit}.",
    rate_limited="Too many questions at once; please try again in {seconds} s.",
    not_allowed="Sorry, this bot only answers the people it was set up for.",
    admins_only="Sorry, only admins can use this command.",
    ask_usage="Usage: /ask your question",
    error="Sorry, something went wrong with that message. Please try again later.",
    reloading="Re-reading the documents…",
    reloaded="Reloaded {documents:document/documents}, {passages:passage/passages} in {seconds} s.",
    reload_added="added: {files}",
    reload_removed="removed: {files}",
    reload_changed="changed: {files}",
    reload_skipped="skipped {source}: {reason}",
    reload_failed="Reload failed; still serving the previous documents. Reason: {reason}",
    stats=(
        "Documents: {documents}\nPassages: {passages}\nLast reload: {loaded_at}\n"
        "Uptime: {uptime}\nQuestions answered: {answered}"
    ),
    stats_week="Last 7 days: {questions:question/questions}, {share} answered, 👍 {up} / 👎 {down}",
    unanswered="<b>Questions without an answer in the last 7 days</b> ({total} in all):",
    unanswered_none="Every question of the last 7 days got an answer.",
    disliked="<b>Questions rated 👎</b>:",
    group="• {count} × {question}",
    log_off="The question log is off (QUERY_LOG=false).",
)

LANGUAGES: dict[str, Phrases] = {"zh": ZH, "en": EN}
DEFAULT = ZH


def phrases_for(language_code: str | None) -> Phrases:
    """The table for a client's language: an exact match (``pt-br``), then its
    base language (``pt``), then the default (Simplified Chinese)."""
    code = (language_code or "").strip().lower().replace("_", "-")
    return LANGUAGES.get(code) or LANGUAGES.get(code.split("-")[0]) or DEFAULT


def say(template: str, **values: object) -> str:
    """``template`` with its fields filled by the HTML-escaped ``values``; a number
    may name its noun in both numbers: ``{passages:passage/passages}`` (``Count``)."""
    return template.format(**{name: _filling(value) for name, value in values.items()})


def _filling(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return Count(value)
    return html.escape(str(value), quote=False)

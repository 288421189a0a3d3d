"""What the bot says to admins managing the documents (uploads, /docs, /remove), one
table per language, under the same codes as ``phrases.LANGUAGES``; filled by ``say``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.telegram.phrases import DEFAULT, Phrases


@dataclass(frozen=True)
class DocPhrases:
    help_upload: str
    not_admin: str
    wrong_type: str
    too_big: str
    cannot_write: str
    cannot_download: str
    unreadable: str
    added: str
    replaced: str
    headings: str
    more_headings: str
    reload_failed: str
    replace_ask: str
    replace_button: str
    cancel_button: str
    replace_cancelled: str
    remove_usage: str
    remove_ask: str
    remove_button: str
    remove_unknown: str
    remove_suggest: str
    removed: str
    remove_cancelled: str
    cannot_remove: str
    removed_not_reloaded: str
    docs_title: str
    docs_line: str
    docs_skipped: str
    docs_page: str
    gone: str


ZH = DocPhrases(
    help_upload="添加文档：把文件发给我（{types}，最大 {limit} MB）。",
    not_admin="抱歉，只有管理员可以添加文档。",
    wrong_type="无法读取 {name}：请发送 {types} 文件。",
    too_big="{name} 有 {size} MB，超过了 {limit} MB 的上限（MAX_UPLOAD_MB）。",
    cannot_write="无法保存 {name}：文档文件夹不可写（{reason}）。",
    cannot_download="无法从 Telegram 下载 {name}：{reason}",
    unreadable="没有添加 {name}：{reason}。正在使用的文档没有变化。",
    added="已添加 <b>{name}</b>：{passages} 个段落，{headings} 个标题，用时 {seconds} 秒。",
    replaced="已替换 <b>{name}</b>（旧版本在 {trash}）：{passages} 个段落，{headings} 个标题，用时 {seconds} 秒。",
    headings="标题：",
    more_headings="……还有 {count} 个",
    reload_failed="{name} 已保存，但重新读取失败：{reason}。仍在使用之前的文档。",
    replace_ask="已有同名文档 <b>{name}</b>（{old} 个段落）。用你发送的文件（{new} 个段落）替换它吗？旧版本会移到 .trash/。",
    replace_button="替换",
    cancel_button="取消",
    replace_cancelled="已取消：保留原来的 {name}，你发送的文件已丢弃。",
    remove_usage="用法：/remove 文件名（/docs 列出所有文件名）",
    remove_ask="删除 <b>{name}</b>（{passages} 个段落）吗？它会被移到 .trash/。",
    remove_button="删除",
    remove_unknown="没有名为 {name} 的文档。",
    remove_suggest="你是不是要找：{names}",
    removed="已删除 <b>{name}</b>（移到了 {trash}）。现有 {documents} 个文档，{passages} 个段落。",
    remove_cancelled="已取消，没有删除任何文档。",
    cannot_remove="无法删除 {name}：{reason}",
    removed_not_reloaded="已把 {name} 移到 {trash}，但重新读取失败：{reason}。在下次成功读取之前仍会用到它。",
    docs_title="<b>正在使用的文档</b>：{documents} 个，{passages} 个段落",
    docs_line="• {name} — {passages} 个段落",
    docs_skipped="• {name} — 已跳过：{reason}",
    docs_page="第 {page}/{pages} 页",
    gone="这个操作已过期或已完成。",
)

EN = DocPhrases(
    help_upload="To add a document, send me the file ({types}, up to {limit} MB).",
    not_admin="Sorry, only admins can add documents.",
    wrong_type="I can't read {name}: send {types} files.",
    too_big="{name} is {size} MB; the limit is {limit} MB (MAX_UPLOAD_MB).",
    cannot_write="Could not save {name}: the documents folder cannot be written to ({reason}).",
    cannot_download="Could not download {name} from Telegram: {reason}",
    unreadable="{name} was not added: {reason}. The documents served are unchanged.",
    added="Added <b>{name}</b>: {passages:passage/passages}, {headings:heading/headings}, in {seconds} s.",
    replaced="Replaced <b>{name}</b> (the old version is in {trash}): {passages:passage/passages}, "
    "{headings:heading/headings}, in {seconds} s.",
    headings="Headings:",
    more_headings="… and {count} more",
    reload_failed="{name} was saved, but reloading failed: {reason}. Still serving the previous documents.",
    replace_ask="<b>{name}</b> is already served ({old:passage/passages}). Replace it with the file you sent "
    "({new:passage/passages})? The old version goes to .trash/.",
    replace_button="Replace",
    cancel_button="Cancel",
    replace_cancelled="Cancelled: the old {name} stays, the file you sent was discarded.",
    remove_usage="Usage: /remove NAME (/docs lists the names)",
    remove_ask="Remove <b>{name}</b> ({passages:passage/passages})? It goes to .trash/.",
    remove_button="Remove",
    remove_unknown="There is no document named {name}.",
    remove_suggest="Did you mean: {names}",
    removed="Removed <b>{name}</b> (moved to {trash}). "
    "Now serving {documents:document/documents}, {passages:passage/passages}.",
    remove_cancelled="Cancelled: nothing was removed.",
    cannot_remove="Could not remove {name}: {reason}",
    removed_not_reloaded="Moved {name} to {trash}, but reloading failed: {reason}. "
    "It is still served until a reload succeeds.",
    docs_title="<b>Documents served</b>: {documents}, {passages:passage/passages}",
    docs_line="• {name} — {passages:passage/passages}",
    docs_skipped="• {name} — skipped: {reason}",
    docs_page="page {page} of {pages}",
    gone="This has expired or was done already.",
)

TABLES: dict[str, DocPhrases] = {"zh": ZH, "en": EN}


def doc_phrases(phrases: Phrases) -> DocPhrases:
    """The table in the language of ``phrases`` (the default language's if there is none)."""
    return TABLES.get(phrases.code) or TABLES[DEFAULT.code]

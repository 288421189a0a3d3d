"""Frontends of the document Q&A bot: command line, console and Telegram."""

from retrieval.startup import prepare

prepare(__name__)

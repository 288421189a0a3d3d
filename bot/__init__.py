"""Frontends of the document Q&A bot: command line, console and Telegram."""

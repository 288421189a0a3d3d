"""The Telegram frontend: renders the answering core's answers as Telegram messages."""

"""The documents folder as admins change it from a chat: names from outside made safe
(``names``), uploads staged, checked and put in place atomically (``uploads``), and old
versions kept in ``DOCS_DIR/.trash/`` rather than destroyed (``trash``). Plain functions
on paths: no Telegram here."""

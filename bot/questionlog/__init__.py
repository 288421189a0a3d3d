"""The question log: what people asked the Telegram bot, how it was answered, their 👍/👎.

``records.py`` is what it holds and the interface of a store (``QuestionLog``);
``sqlite.py`` the store in one SQLite file in DATA_DIR (``schema.py`` its
migrations); ``recorder.py`` writes it off the event loop; ``pseudonyms.py``
turns Telegram ids into keyed hashes; ``export.py`` is ``qabot log``'s output.
Only the Telegram bot writes it; retrieval/ knows nothing of it.
"""

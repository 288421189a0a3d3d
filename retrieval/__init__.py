"""Documents to passages, passages to ranked answers. Knows nothing of bots."""

from retrieval.startup import prepare

prepare(__name__)

"""Documents to passages, passages to ranked answers. Knows nothing of bots."""

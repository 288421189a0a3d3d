"""Stage 2, text: text in, search terms out.

Takes a passage's or a question's text; normalises it (NFKC, lower case,
Traditional to Simplified: ``normalisation``, ``script``), cuts it into words as
jieba does (``segmenter`` and ``hmm`` for questions, ``bulkcutter`` with jieba-rs
for indexing, both over jieba's dictionary built once into files and mapped:
``dictionary``, ``dictionaryfiles``, ``jiebadata``, with the user's words:
``userwords``), drops punctuation and stopwords, stems English (``stemming``)
and adds the characters and bigrams of Chinese runs (``tokenizer``). Hands out
lists of terms, the cut points of a passage (``cuts``), and where a question's
terms sit in a passage for highlighting (``spans``, ``highlight``). Knows
nothing of indexes.
"""

from retrieval.text.cuts import Cuts
from retrieval.text.highlight import Highlight, highlight
from retrieval.text.normalisation import normalise, normalise_with_offsets
from retrieval.text.script import to_simplified, to_traditional
from retrieval.text.spans import Term
from retrieval.text.tokenizer import DEFAULT_STOPWORDS, Tokenizer, load_stopwords

__all__ = [
    "DEFAULT_STOPWORDS",
    "Cuts",
    "Highlight",
    "Term",
    "Tokenizer",
    "highlight",
    "load_stopwords",
    "normalise",
    "normalise_with_offsets",
    "to_simplified",
    "to_traditional",
]

"""Stage 3, index: passages' terms in, ranked passages out.

Takes each passage's counted terms (``termcounts``, terms as 64-bit keys:
``termkeys``) and builds one postings list per term and field (``postings``;
changed for a reload by ``updating``, which splices one file in place,
``splicing``, or merges, ``merging``, both bisecting many lists at once:
``bisection``); a cold build assembles them a document at a time
(``assembly``), which also gives a changed document's unchanged passages
their terms back from them. The passages themselves are one UTF-8 blob
and a table (``passagetable``). A question's terms become weighted lists (``bm25``,
``termlist``) summed for the exact best n (``topn``); the "no answer" rule (``relevance``) and highlighting turn the
best passages into an ``Answer`` (``index``: the ``Index`` itself).
"""

from retrieval.index.bm25 import BM25Index
from retrieval.index.index import CONTEXT_WEIGHT, Index, passage_terms
from retrieval.index.postings import Postings
from retrieval.index.relevance import Relevance
from retrieval.index.termcounts import TermCounts
from retrieval.index.topn import top
from retrieval.index.updating import updated

__all__ = [
    "CONTEXT_WEIGHT",
    "BM25Index",
    "Index",
    "Postings",
    "Relevance",
    "TermCounts",
    "passage_terms",
    "top",
    "updated",
]

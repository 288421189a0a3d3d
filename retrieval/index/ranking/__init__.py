"""How a question ranks passages beyond BM25's plain sums: its terms weighted by
what they tell in general (``query``), and the best passages by BM25 reordered
by where its words fall (``rerank``)."""

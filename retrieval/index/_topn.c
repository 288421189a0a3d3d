/* The hot loop of retrieval/index/topn.py, compiled: a question's postings summed
 * per passage and the exact best n taken, in one call.
 *
 * Plain CPython C API and the buffer protocol (no NumPy headers): the arrays are
 * NumPy's, read through their buffers. Every weight is computed with the same
 * operations, in the same order, as BM25Index.tf_weight does in NumPy, and summed
 * per passage in the order np.bincount sums the concatenated postings (fields in
 * order, lists in the order given, postings in order), so the scores are the same
 * bits; it must be compiled without floating-point contraction (-ffp-contract=off).
 *
 * The passages are summed a block at a time (BLOCK of them: their sums and weights'
 * per-passage parts stay in the processor's cache), each list's postings of the block
 * in turn: a passage's weights are still added in the lists' order. The sums of a block
 * live in one buffer of this module, zero between blocks: the passages a block touches
 * are remembered, offered to a heap of the best n, and put back to zero. The GIL is
 * held throughout (no Python code runs during a call, given the arguments it is
 * meant for), which is what makes the module's buffers safe; a call that finds
 * another under way (a Python callback re-entering it) is refused.
 *
 * spans() looks a question's terms up in a field (BM25Index._described): each str
 * hashed as retrieval/index/termkeys.py does and bisected in the sorted keys; it uses
 * no module buffer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    Py_ssize_t start, stop, base; /* postings [start, stop) of one segment, its first passage */
    double factor;
    Py_ssize_t at; /* the first posting not summed yet */
} Run;

typedef struct {
    double score;
    Py_ssize_t passage;
} Hit;

/* One field: its postings' buffers, what a weight needs, and its lists' runs. */
typedef struct {
    Py_buffer ids, tf, per_passage;
    int bm25l;
    double k1, delta;
    Py_ssize_t first_run, runs;
} Field;

static int busy = 0; /* a call is using the buffers */

static int enter(void) {
    if (busy) {
        PyErr_SetString(PyExc_RuntimeError, "_topn is already in use (re-entered)");
        return -1;
    }
    busy = 1;
    return 0;
}

#define BLOCK 8192
static double dense[BLOCK];       /* a block's sums, zero between blocks */
static uint32_t touched[BLOCK];   /* the passages of the block whose sums are not zero */

static void *grown(void **buffer, Py_ssize_t *capacity, Py_ssize_t wanted, size_t item) {
    if (wanted > *capacity || *buffer == NULL) {
        void *bigger = realloc(*buffer, (size_t)(wanted > 16 ? wanted : 16) * item);
        if (bigger == NULL) return PyErr_NoMemory();
        *buffer = bigger;
        *capacity = wanted > 16 ? wanted : 16;
    }
    return *buffer;
}

static Run *runs_buffer = NULL;
static Py_ssize_t runs_capacity = 0;
static Hit *hits_buffer = NULL;
static Py_ssize_t hits_capacity = 0;

static void release(Field *fields, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++) {
        PyBuffer_Release(&fields[i].ids);
        PyBuffer_Release(&fields[i].tf);
        PyBuffer_Release(&fields[i].per_passage);
    }
}

static int buffer_of(PyObject *object, Py_buffer *view, const char *what, int writable) {
    int flags = PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0);
    if (PyObject_GetBuffer(object, view, flags) < 0) return -1;
    if (view->ndim > 1) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "%s must be one-dimensional", what);
        return -1;
    }
    return 0;
}

/* The runs of one list (start, end, splits, factor): one per segment its postings span. */
static int add_runs(PyObject *item, Py_ssize_t segment, Py_ssize_t length, Py_ssize_t *count) {
    Py_ssize_t start, end;
    double factor;
    PyObject *splits;
    if (!PyTuple_Check(item) || !PyArg_ParseTuple(item, "nnO!d", &start, &end, &PyTuple_Type, &splits, &factor)) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a list is (start, end, splits, factor)");
        return -1;
    }
    if (start < 0 || end < start || end > length) {
        PyErr_SetString(PyExc_ValueError, "a list's postings are outside the field's");
        return -1;
    }
    Py_ssize_t edges = PyTuple_GET_SIZE(splits);
    if (!grown((void **)&runs_buffer, &runs_capacity, *count + edges + 1, sizeof(Run))) return -1;
    Py_ssize_t low = 0;
    for (Py_ssize_t j = 0; j <= edges; j++) {
        Py_ssize_t high = end - start;
        if (j < edges) {
            high = PyLong_AsSsize_t(PyTuple_GET_ITEM(splits, j));
            if (high == -1 && PyErr_Occurred()) return -1;
        }
        if (high < low || high > end - start) {
            PyErr_SetString(PyExc_ValueError, "a list's segments are not in order");
            return -1;
        }
        Run *run = &runs_buffer[(*count)++];
        run->start = start + low;
        run->stop = start + high;
        run->base = j * segment;
        run->factor = factor;
        run->at = run->start;
        low = high;
    }
    return 0;
}

/* fields: a sequence of (ids, tf, per_passage, bm25l, k1, delta, lists); 0 on success. */
static int parse_fields(PyObject *sequence, Field *fields, Py_ssize_t count, Py_ssize_t segment,
                        Py_ssize_t size, Py_ssize_t *parsed, Py_ssize_t *postings) {
    Py_ssize_t runs = 0;
    *postings = 0;
    for (Py_ssize_t f = 0; f < count; f++) {
        PyObject *ids, *tf, *per_passage, *lists;
        Field *field = &fields[f];
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(sequence, f), "OOOpddO", &ids, &tf, &per_passage,
                              &field->bm25l, &field->k1, &field->delta, &lists))
            return -1;
        if (buffer_of(ids, &field->ids, "ids", 0) < 0) return -1;
        if (buffer_of(tf, &field->tf, "tf", 0) < 0) {
            PyBuffer_Release(&field->ids);
            return -1;
        }
        if (buffer_of(per_passage, &field->per_passage, "per_passage", 0) < 0) {
            PyBuffer_Release(&field->ids);
            PyBuffer_Release(&field->tf);
            return -1;
        }
        (*parsed)++;
        Py_ssize_t isize = field->tf.itemsize;
        if (field->ids.itemsize != 2 || field->per_passage.itemsize != 8 ||
            !(isize == 1 || isize == 2 || isize == 4 || isize == 8)) {
            PyErr_SetString(PyExc_TypeError, "ids must be 16-bit, tf unsigned, per_passage float64");
            return -1;
        }
        Py_ssize_t length = field->ids.len / 2;
        if (field->tf.len / isize != length || field->per_passage.len / 8 < size) {
            PyErr_SetString(PyExc_ValueError, "a field's arrays do not fit together");
            return -1;
        }
        PyObject *fast = PySequence_Fast(lists, "lists must be a sequence");
        if (fast == NULL) return -1;
        field->first_run = runs;
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(fast); i++) {
            if (add_runs(PySequence_Fast_GET_ITEM(fast, i), segment, length, &runs) < 0) {
                Py_DECREF(fast);
                return -1;
            }
        }
        Py_DECREF(fast);
        field->runs = runs - field->first_run;
        for (Py_ssize_t r = field->first_run; r < runs; r++) *postings += runs_buffer[r].stop - runs_buffer[r].start;
    }
    return 0;
}

/* BM25Index.tf_weight times the list's factor: Okapi and Plus t / (t + k1 x norm),
 * BM25L t x ctd / (ctd + k1) with ctd = t / norm + delta (per_passage holds k1 x norm
 * or 1 / norm). A passage is remembered when a weight first makes its sum not zero,
 * without a branch (whether it is the first is not predictable). The postings of a
 * run are ascending: the block's end stops it (so does one before the block's start,
 * which only damaged postings have: it is never summed, and then refused). */
#define OKAPI_WEIGHT (factor * (t / (t + per_passage[p])))
#define BM25L_WEIGHT (factor * (t * (t * per_passage[p] + delta) / (t * per_passage[p] + delta + k1)))
#define SUM_RUN(T, WEIGHT)                                                                  \
    do {                                                                                    \
        const T *tf = (const T *)field->tf.buf;                                             \
        Py_ssize_t i = run->at;                                                             \
        for (; i < run->stop; i++) {                                                        \
            Py_ssize_t p = run->base + ids[i];                                              \
            size_t local = (size_t)(p - first);                                             \
            if (local >= length) break;                                                     \
            double t = (double)tf[i], sum = dense[local], w = WEIGHT;                       \
            touched[count] = (uint32_t)local;                                               \
            count += (sum == 0.0) & (w != 0.0);                                             \
            dense[local] = sum + w;                                                         \
        }                                                                                   \
        run->at = i;                                                                        \
    } while (0)
#define SUM_FIELD(WEIGHT)                                                                   \
    do {                                                                                    \
        switch (field->tf.itemsize) {                                                       \
            case 1: SUM_RUN(uint8_t, WEIGHT); break;                                        \
            case 2: SUM_RUN(uint16_t, WEIGHT); break;                                       \
            case 4: SUM_RUN(uint32_t, WEIGHT); break;                                       \
            default: SUM_RUN(uint64_t, WEIGHT); break;                                      \
        }                                                                                   \
    } while (0)

/* Sums the postings of passages first to first + length into ``dense``; how many
 * passages it touched (in ``touched``). */
static Py_ssize_t sum_block(const Field *fields, Py_ssize_t nfields, Py_ssize_t first, size_t length) {
    Py_ssize_t count = 0;
    for (Py_ssize_t f = 0; f < nfields; f++) {
        const Field *field = &fields[f];
        const uint16_t *ids = (const uint16_t *)field->ids.buf;
        const double *per_passage = (const double *)field->per_passage.buf;
        const double k1 = field->k1, delta = field->delta;
        for (Py_ssize_t r = field->first_run; r < field->first_run + field->runs; r++) {
            Run *run = &runs_buffer[r];
            const double factor = run->factor;
            if (field->bm25l)
                SUM_FIELD(BM25L_WEIGHT);
            else
                SUM_FIELD(OKAPI_WEIGHT);
        }
    }
    return count;
}

/* a ranks below b: a lower score, or the same score and a later passage. */
static inline int below(const Hit *a, const Hit *b) {
    return a->score < b->score || (a->score == b->score && a->passage > b->passage);
}

static void sift_down(Hit *heap, Py_ssize_t count, Py_ssize_t at) {
    for (;;) {
        Py_ssize_t low = at, left = 2 * at + 1, right = left + 1;
        if (left < count && below(&heap[left], &heap[low])) low = left;
        if (right < count && below(&heap[right], &heap[low])) low = right;
        if (low == at) return;
        Hit swap = heap[at];
        heap[at] = heap[low];
        heap[low] = swap;
        at = low;
    }
}

static void sift_up(Hit *heap, Py_ssize_t at) {
    while (at > 0) {
        Py_ssize_t parent = (at - 1) / 2;
        if (!below(&heap[at], &heap[parent])) return;
        Hit swap = heap[at];
        heap[at] = heap[parent];
        heap[parent] = swap;
        at = parent;
    }
}

static int best_first(const void *a, const void *b) {
    return below((const Hit *)b, (const Hit *)a) ? -1 : below((const Hit *)a, (const Hit *)b) ? 1 : 0;
}

/* The passages of a block (first + ``touched``) scoring above zero offered to a heap
 * of the best ``n`` (its root the lowest, ``kept`` in it), their sums put back to zero. */
static void offer(Py_ssize_t first, Py_ssize_t count, Py_ssize_t n, Hit *heap, Py_ssize_t *kept) {
    for (Py_ssize_t i = 0; i < count; i++) {
        uint32_t local = touched[i];
        Hit hit = {dense[local], first + (Py_ssize_t)local};
        dense[local] = 0.0;
        if (!(hit.score > 0.0) || n == 0) continue;
        if (*kept < n) {
            heap[*kept] = hit;
            sift_up(heap, (*kept)++);
        } else if (below(&heap[0], &hit)) {
            heap[0] = hit;
            sift_down(heap, *kept, 0);
        }
    }
}

/* The best ``n`` passages of the parsed fields, best first, in ``heap``; how many, or
 * -1 (an exception set) when postings refer to passages beyond ``size``. */
static Py_ssize_t best(const Field *fields, Py_ssize_t nfields, Py_ssize_t size, Py_ssize_t n, Hit *heap) {
    Py_ssize_t kept = 0;
    for (Py_ssize_t first = 0; first < size; first += BLOCK) {
        size_t length = (size_t)(size - first < BLOCK ? size - first : BLOCK);
        offer(first, sum_block(fields, nfields, first, length), n, heap, &kept);
    }
    for (Py_ssize_t f = 0; f < nfields; f++) {
        for (Py_ssize_t r = fields[f].first_run; r < fields[f].first_run + fields[f].runs; r++) {
            if (runs_buffer[r].at < runs_buffer[r].stop) {
                PyErr_SetString(PyExc_ValueError, "postings refer to passages that do not exist");
                return -1;
            }
        }
    }
    qsort(heap, (size_t)kept, sizeof(Hit), best_first);
    return kept;
}

/* One call of top() or added(): the module entered, its fields parsed, its two arrays
 * (``in`` and the writable ``out``) taken; call_close() gives all of it back. */
typedef struct {
    int entered, have_buffers;
    PyObject *fast;
    Field *fields;
    Py_ssize_t nfields, parsed, postings;
    Py_buffer in, out;
} Call;

/* 0 on success; -1 with an exception set (call_close() is still owed). */
static int call_open(Call *call, PyObject *sequence, Py_ssize_t size, Py_ssize_t segment, PyObject *in,
                     const char *in_name, int in_writable, PyObject *out, const char *out_name) {
    memset(call, 0, sizeof *call);
    if (enter() < 0) return -1;
    call->entered = 1;
    call->fast = PySequence_Fast(sequence, "fields must be a sequence");
    if (call->fast == NULL) return -1;
    call->nfields = PySequence_Fast_GET_SIZE(call->fast);
    call->fields = PyMem_Calloc((size_t)(call->nfields ? call->nfields : 1), sizeof(Field));
    if (call->fields == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (parse_fields(call->fast, call->fields, call->nfields, segment, size, &call->parsed, &call->postings) < 0)
        return -1;
    if (buffer_of(in, &call->in, in_name, in_writable) < 0) return -1;
    if (buffer_of(out, &call->out, out_name, 1) < 0) {
        PyBuffer_Release(&call->in);
        return -1;
    }
    call->have_buffers = 1;
    return 0;
}

static void call_close(Call *call) {
    if (call->have_buffers) {
        PyBuffer_Release(&call->in);
        PyBuffer_Release(&call->out);
    }
    if (call->fields != NULL) {
        release(call->fields, call->parsed);
        PyMem_Free(call->fields);
    }
    Py_XDECREF(call->fast);
    if (call->entered) busy = 0;
}

static PyObject *top(PyObject *module, PyObject *args) {
    PyObject *sequence, *out_passages, *out_scores;
    Py_ssize_t size, segment, n, found = -1;
    Call call;
    (void)module;
    if (!PyArg_ParseTuple(args, "OnnnOO", &sequence, &size, &segment, &n, &out_passages, &out_scores))
        return NULL;
    if (size < 0 || segment < 1 || n < 0) {
        PyErr_SetString(PyExc_ValueError, "size, segment and n must be positive");
        return NULL;
    }
    if (call_open(&call, sequence, size, segment, out_passages, "passages", 1, out_scores, "scores") == 0) {
        Py_buffer *passages = &call.in, *scores = &call.out;
        if (passages->itemsize != 8 || scores->itemsize != 8 || passages->len / 8 < n || scores->len / 8 < n) {
            PyErr_SetString(PyExc_ValueError, "the outputs must hold n int64 and n float64");
        } else {
            if (n > call.postings) n = call.postings;
            if (grown((void **)&hits_buffer, &hits_capacity, n, sizeof(Hit)))
                found = best(call.fields, call.nfields, size, n, hits_buffer);
            for (Py_ssize_t i = 0; i < found; i++) {
                ((int64_t *)passages->buf)[i] = (int64_t)hits_buffer[i].passage;
                ((double *)scores->buf)[i] = hits_buffer[i].score;
            }
        }
    }
    call_close(&call);
    return found < 0 ? NULL : PyLong_FromSsize_t(found);
}

/* The position of ``local`` in ids[low:high] (ascending), or -1. */
static Py_ssize_t position(const uint16_t *ids, Py_ssize_t low, Py_ssize_t high, Py_ssize_t local) {
    Py_ssize_t end = high;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (ids[middle] < local)
            low = middle + 1;
        else
            high = middle;
    }
    return low < end && ids[low] == local ? low : -1;
}

#define ADD_FOUND(T, WEIGHT)                                                                \
    do {                                                                                    \
        double t = (double)((const T *)field->tf.buf)[at];                                  \
        sums[i] += WEIGHT;                                                                  \
    } while (0)

/* What the fields' lists add to each of a few passages: one bisection in each list's
 * segment of the passage, the weights added list by list, as topn's NumPy version did. */
static int add_found(const Field *field, Py_ssize_t segment, const int64_t *wanted, Py_ssize_t count,
                     double *sums) {
    const uint16_t *ids = (const uint16_t *)field->ids.buf;
    const double *per_passage = (const double *)field->per_passage.buf;
    const double k1 = field->k1, delta = field->delta;
    Py_ssize_t end = field->first_run + field->runs;
    for (Py_ssize_t first = field->first_run; first < end;) {
        Py_ssize_t segments = 1; /* the runs of one list: from a segment 0 to the next */
        while (first + segments < end && runs_buffer[first + segments].base != 0) segments++;
        const double factor = runs_buffer[first].factor;
        for (Py_ssize_t i = 0; i < count; i++) {
            Py_ssize_t p = (Py_ssize_t)wanted[i];
            if (p / segment >= segments) continue;
            const Run *run = &runs_buffer[first + p / segment];
            Py_ssize_t at = position(ids, run->start, run->stop, p % segment);
            if (at < 0) continue;
            if (field->bm25l) {
                switch (field->tf.itemsize) {
                    case 1: ADD_FOUND(uint8_t, BM25L_WEIGHT); break;
                    case 2: ADD_FOUND(uint16_t, BM25L_WEIGHT); break;
                    case 4: ADD_FOUND(uint32_t, BM25L_WEIGHT); break;
                    default: ADD_FOUND(uint64_t, BM25L_WEIGHT); break;
                }
            } else {
                switch (field->tf.itemsize) {
                    case 1: ADD_FOUND(uint8_t, OKAPI_WEIGHT); break;
                    case 2: ADD_FOUND(uint16_t, OKAPI_WEIGHT); break;
                    case 4: ADD_FOUND(uint32_t, OKAPI_WEIGHT); break;
                    default: ADD_FOUND(uint64_t, OKAPI_WEIGHT); break;
                }
            }
        }
        first += segments;
    }
    return 0;
}

static PyObject *added(PyObject *module, PyObject *args) {
    PyObject *sequence, *given, *out;
    Py_ssize_t size, segment;
    int ok = 0;
    Call call;
    (void)module;
    if (!PyArg_ParseTuple(args, "OnnOO", &sequence, &size, &segment, &given, &out)) return NULL;
    if (size < 0 || segment < 1) {
        PyErr_SetString(PyExc_ValueError, "size and segment must be positive");
        return NULL;
    }
    if (call_open(&call, sequence, size, segment, given, "passages", 0, out, "sums") == 0) {
        Py_ssize_t count = call.in.len / 8;
        const int64_t *wanted = (const int64_t *)call.in.buf;
        ok = 1;
        if (call.in.itemsize != 8 || call.out.itemsize != 8 || call.out.len / 8 != count) {
            PyErr_SetString(PyExc_ValueError, "passages must be int64 and sums float64 of the same length");
            ok = 0;
        }
        for (Py_ssize_t i = 0; ok && i < count; i++) {
            if (wanted[i] < 0 || wanted[i] >= size) {
                PyErr_SetString(PyExc_ValueError, "a passage asked about does not exist");
                ok = 0;
            }
        }
        for (Py_ssize_t f = 0; ok && f < call.nfields; f++)
            add_found(&call.fields[f], segment, wanted, count, (double *)call.out.buf);
    }
    call_close(&call);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

/* FNV-1a, 64 bits, over a str's code points, NULs skipped (retrieval/index/termkeys.py). */
static uint64_t term_key(PyObject *term) {
    uint64_t key = 0xCBF29CE484222325ULL;
    int kind = PyUnicode_KIND(term);
    const void *data = PyUnicode_DATA(term);
    Py_ssize_t length = PyUnicode_GET_LENGTH(term);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 code = PyUnicode_READ(kind, data, i);
        if (code) key = (key ^ (uint64_t)code) * 0x100000001B3ULL;
    }
    return key;
}

static uint64_t unsigned_at(const Py_buffer *view, Py_ssize_t i) {
    switch (view->itemsize) {
    case 1: return ((const uint8_t *)view->buf)[i];
    case 2: return ((const uint16_t *)view->buf)[i];
    case 4: return ((const uint32_t *)view->buf)[i];
    default: return ((const uint64_t *)view->buf)[i];
    }
}

/* One term's ((start, end, splits), maxtf), or None: its key bisected in the sorted keys. */
static PyObject *span_of(uint64_t key, const Py_buffer *keys, const int64_t *indptr, const Py_buffer *maxtf,
                         const int32_t *splits, Py_ssize_t columns) {
    const uint64_t *sorted = (const uint64_t *)keys->buf;
    Py_ssize_t low = 0, high = keys->len / 8;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        if (sorted[middle] < key) low = middle + 1;
        else high = middle;
    }
    if (low == keys->len / 8 || sorted[low] != key) Py_RETURN_NONE;
    int64_t start = indptr[low], end = indptr[low + 1];
    Py_ssize_t inside = 0;
    while (inside < columns && splits[low * columns + inside] < end - start) inside++;
    PyObject *edges = PyTuple_New(inside);
    if (edges == NULL) return NULL;
    for (Py_ssize_t j = 0; j < inside; j++) {
        PyObject *edge = PyLong_FromLong(splits[low * columns + j]);
        if (edge == NULL) {
            Py_DECREF(edges);
            return NULL;
        }
        PyTuple_SET_ITEM(edges, j, edge);
    }
    return Py_BuildValue("((LLN)K)", (long long)start, (long long)end, edges,
                         (unsigned long long)unsigned_at(maxtf, low));
}

static PyObject *spans(PyObject *module, PyObject *args) {
    PyObject *keys_object, *indptr_object, *maxtf_object, *splits_object, *terms, *result = NULL;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOOOO", &keys_object, &indptr_object, &maxtf_object, &splits_object, &terms))
        return NULL;
    PyObject *fast = PySequence_Fast(terms, "terms must be a sequence");
    if (fast == NULL) return NULL;
    Py_buffer keys = {0}, indptr = {0}, maxtf = {0}, splits = {0};
    int got = 0;
    if (buffer_of(keys_object, &keys, "keys", 0) < 0) goto done;
    got = 1;
    if (buffer_of(indptr_object, &indptr, "indptr", 0) < 0) goto done;
    got = 2;
    if (buffer_of(maxtf_object, &maxtf, "maxtf", 0) < 0) goto done;
    got = 3;
    if (PyObject_GetBuffer(splits_object, &splits, PyBUF_C_CONTIGUOUS) < 0) goto done;
    got = 4;
    Py_ssize_t count = keys.len / 8, columns = splits.ndim == 2 ? splits.shape[1] : -1;
    int sized = maxtf.itemsize == 1 || maxtf.itemsize == 2 || maxtf.itemsize == 4 || maxtf.itemsize == 8;
    if (keys.itemsize != 8 || indptr.itemsize != 8 || indptr.len / 8 != count + 1 || !sized ||
        maxtf.len / maxtf.itemsize != count || splits.itemsize != 4 || columns < 0 || splits.shape[0] != count) {
        PyErr_SetString(PyExc_ValueError, "keys, indptr, maxtf and splits do not fit together");
        goto done;
    }
    Py_ssize_t wanted = PySequence_Fast_GET_SIZE(fast);
    result = PyList_New(wanted);
    if (result == NULL) goto done;
    for (Py_ssize_t i = 0; i < wanted; i++) {
        PyObject *term = PySequence_Fast_GET_ITEM(fast, i);
        if (!PyUnicode_Check(term)) {
            PyErr_SetString(PyExc_TypeError, "terms must be str");
            Py_CLEAR(result);
            goto done;
        }
        PyObject *found = span_of(term_key(term), &keys, (const int64_t *)indptr.buf, &maxtf,
                                  (const int32_t *)splits.buf, columns);
        if (found == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, found);
    }
done:
    if (got >= 4) PyBuffer_Release(&splits);
    if (got >= 3) PyBuffer_Release(&maxtf);
    if (got >= 2) PyBuffer_Release(&indptr);
    if (got >= 1) PyBuffer_Release(&keys);
    Py_DECREF(fast);
    return result;
}

static PyMethodDef methods[] = {
    {"top", top, METH_VARARGS,
     "top(fields, size, segment, n, passages, scores) -> count\n\n"
     "The best n passages over the fields' lists, best first (ties by passage), written to\n"
     "passages (int64) and scores (float64); returns how many. Each field is (ids, tf,\n"
     "per_passage, bm25l, k1, delta, lists), each list (start, end, splits, factor)."},
    {"added", added, METH_VARARGS,
     "added(fields, size, segment, passages, sums) -> None\n\n"
     "Adds to sums[i] (float64) what the fields' lists weigh for passages[i] (int64, distinct)."},
    {"spans", spans, METH_VARARGS,
     "spans(keys, indptr, maxtf, splits, terms) -> list\n\n"
     "Each term's ((start, end, splits), maxtf) in postings whose sorted uint64 keys, int64\n"
     "indptr, unsigned maxtf and int32 splits (terms x segments - 1) are given, or None;\n"
     "splits past the term's postings left out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef definition = {
    PyModuleDef_HEAD_INIT, "_topn", "The hot loop of retrieval.index.topn, compiled.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__topn(void) { return PyModule_Create(&definition); }

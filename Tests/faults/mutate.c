/*
 * mutate: seeded, deterministic byte mutations of one input file, for the fault-injection suite.
 *
 *   cc -O2 -o mutate mutate.c
 *   mutate SEED csv|toml IN OUT     writes a mutated copy of IN to OUT; prints what it did on stdout
 *
 * The same seed and input always give the same bytes (splitmix64, no libc random). Each case
 * applies 1 to 4 mutations: flip a bit, overwrite, insert or delete bytes, duplicate or swap a
 * chunk, truncate, inject a quote, a delimiter, NUL, CR or LF, a token from a dictionary (huge or
 * non-finite numbers, impossible dates, invalid UTF-8, a BOM, TOML syntax), or replace several
 * decimal numbers with a huge amount such as 9999999999999999.99 (their sum overflows 64-bit
 * cents). Positions lean towards the start of the file, where the header and the first rows are.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state;

static uint64_t next(void) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t below(size_t n) { return n ? (size_t)(next() % n) : 0; }

typedef struct { unsigned char *p; size_t n, cap; } Buf;

static void reserve(Buf *b, size_t n) {
    if (n <= b->cap) return;
    while (b->cap < n) b->cap = b->cap ? b->cap * 2 : 4096;
    b->p = realloc(b->p, b->cap);
    if (!b->p) { perror("mutate"); exit(2); }
}

static void insert(Buf *b, size_t at, const void *src, size_t len) {
    if (at > b->n) at = b->n;
    reserve(b, b->n + len + 1);
    memmove(b->p + at + len, b->p + at, b->n - at);
    memcpy(b->p + at, src, len);
    b->n += len;
}

static void erase(Buf *b, size_t at, size_t len) {
    if (at >= b->n) return;
    if (len > b->n - at) len = b->n - at;
    memmove(b->p + at, b->p + at + len, b->n - at - len);
    b->n -= len;
}

/* A position, half the time within the first 512 bytes (header, first rows), else anywhere. */
static size_t position(const Buf *b) {
    if (b->n == 0) return 0;
    if (next() & 1) return below(b->n < 512 ? b->n + 1 : 513);
    return below(b->n + 1);
}

static const char *huge[] = {
    "9999999999999999.99", "-9999999999999999.99", "92233720368547758.07", "-92233720368547758.08",
    "99999999999999999999999999", "1e308", "1e999", "-1e999", "nan", "inf", "-inf", "0.001",
    "12,50", "0x7fffffffffffffff", "1.7976931348623157e308", "4.9e-324", "-0.00", "00000000000000000001.00",
};

static const char *csv_tokens[] = {
    "\"", "\"\"", "\"a,b\"", ",", ";", "|", "\t", "\r", "\n", "\r\n", "", "2099-12-31", "0000-00-00",
    "9999-99-99", "1970-01-01", "2024-02-30", "-", "\xEF\xBB\xBF", "\xC3\x28", "\xFF\xFE", "\x1b[31m",
    "customer_id", "amount", "order_date", "satisfaction", "recommend", "99", "-1", "11", "1e3",
};

static const char *toml_tokens[] = {
    "nan", "inf", "-inf", "+inf", "1e999", "-1e999", "1e-400", "0", "-1", "99999999999999999999",
    "9223372036854775807", "-9223372036854775808", "0.0", "1.5", "\"\"", "\"", "'", "\"\"\"", "[", "]", "[[x]]",
    "=", "#", "\n", "\r", "\\", "\\u0000", "[run]", "[transactions]", "\n[clusters]\nk = 3\n", "true", "false",
    "[1, 2]", "[]", "{}", "2026-13-45", "\"../../etc/passwd\"", "\"%Y%Y%Y\"", "\"\\t\"",
};

/* Replaces 2..16 decimal numbers (digits, a '.', digits) after random positions with one huge value. */
static void huge_amounts(Buf *b, const char *value) {
    int times = 2 + (int)below(15);
    for (int t = 0; t < times; t++) {
        size_t i = below(b->n);
        for (; i + 2 < b->n; i++) {
            if (b->p[i] >= '0' && b->p[i] <= '9' && (i == 0 || b->p[i - 1] == ',' || b->p[i - 1] == ' ' || b->p[i - 1] == '-')) {
                size_t j = i;
                while (j < b->n && b->p[j] >= '0' && b->p[j] <= '9') j++;
                if (j < b->n && b->p[j] == '.') {
                    j++;
                    while (j < b->n && b->p[j] >= '0' && b->p[j] <= '9') j++;
                    erase(b, i, j - i);
                    insert(b, i, value, strlen(value));
                    break;
                }
                i = j;
            }
        }
    }
}

/* Start of the line holding `at`, and the start of the next line. */
static void line_around(const Buf *b, size_t at, size_t *start, size_t *end) {
    size_t s = at < b->n ? at : b->n;
    while (s > 0 && b->p[s - 1] != '\n') s--;
    size_t e = at < b->n ? at : b->n;
    while (e < b->n && b->p[e] != '\n') e++;
    if (e < b->n) e++;
    *start = s;
    *end = e;
}

static void mutate_once(Buf *b, int toml, char *what, size_t what_size) {
    const char **tokens = toml ? toml_tokens : csv_tokens;
    size_t ntokens = toml ? sizeof toml_tokens / sizeof *toml_tokens : sizeof csv_tokens / sizeof *csv_tokens;
    size_t at = position(b);
    unsigned char byte;
    switch (below(15)) {
    case 0:
        if (b->n) { at = at < b->n ? at : b->n - 1; b->p[at] ^= (unsigned char)(1u << below(8)); }
        snprintf(what, what_size, "flip@%zu", at);
        break;
    case 1:
        if (b->n) { at = at < b->n ? at : b->n - 1; b->p[at] = (unsigned char)below(256); }
        snprintf(what, what_size, "set@%zu", at);
        break;
    case 2: {
        size_t len = 1 + below(8);
        for (size_t k = 0; k < len; k++) { byte = (unsigned char)below(256); insert(b, at, &byte, 1); }
        snprintf(what, what_size, "insert%zu@%zu", len, at);
        break;
    }
    case 3: {
        size_t len = 1 + below(16);
        erase(b, at, len);
        snprintf(what, what_size, "delete%zu@%zu", len, at);
        break;
    }
    case 4: {
        size_t len = 1 + below(256);
        size_t from = below(b->n);
        if (from + len > b->n) len = b->n - from;
        if (len) {
            unsigned char *copy = malloc(len);
            memcpy(copy, b->p + from, len);
            insert(b, at, copy, len);
            free(copy);
        }
        snprintf(what, what_size, "duplicate%zu@%zu->%zu", len, from, at);
        break;
    }
    case 5:
        b->n = below(b->n + 1);
        snprintf(what, what_size, "truncate@%zu", b->n);
        break;
    case 6: insert(b, at, "\"", 1); snprintf(what, what_size, "quote@%zu", at); break;
    case 7: {
        const char *d = toml ? "=" : ",;|\t" + below(4);
        insert(b, at, d, 1);
        snprintf(what, what_size, "delimiter@%zu", at);
        break;
    }
    case 8: byte = 0; insert(b, at, &byte, 1); snprintf(what, what_size, "nul@%zu", at); break;
    case 9: {
        static const char *breaks[] = {"\r", "\n", "\r\n", "\n\n"};
        size_t k = below(4);
        insert(b, at, breaks[k], strlen(breaks[k]));
        snprintf(what, what_size, "break%zu@%zu", k, at);
        break;
    }
    case 10: case 11: {
        const char *value = huge[below(sizeof huge / sizeof *huge)];
        if (toml) {
            /* Replace the value after an '=' on a random line. */
            size_t s, e;
            line_around(b, below(b->n + 1), &s, &e);
            size_t eq = s;
            while (eq < e && b->p[eq] != '=') eq++;
            if (eq < e) {
                size_t v = eq + 1, ve = e;
                if (ve > v && b->p[ve - 1] == '\n') ve--;
                erase(b, v, ve - v);
                insert(b, v, " ", 1);
                insert(b, v + 1, value, strlen(value));
            }
            snprintf(what, what_size, "value@%zu=%s", s, value);
        } else {
            huge_amounts(b, value);
            snprintf(what, what_size, "numbers=%s", value);
        }
        break;
    }
    case 12: {
        size_t k = below(ntokens);
        insert(b, at, tokens[k], strlen(tokens[k]));
        snprintf(what, what_size, "token%zu@%zu", k, at);
        break;
    }
    case 13: {
        /* Swap two lines. */
        size_t s1, e1, s2, e2;
        line_around(b, below(b->n + 1), &s1, &e1);
        line_around(b, below(b->n + 1), &s2, &e2);
        if (s1 > s2) { size_t t = s1; s1 = s2; s2 = t; t = e1; e1 = e2; e2 = t; }
        if (e1 <= s2 && e2 > s2) {
            size_t l1 = e1 - s1, l2 = e2 - s2;
            unsigned char *a = malloc(l1 + 1), *c = malloc(l2 + 1);
            memcpy(a, b->p + s1, l1);
            memcpy(c, b->p + s2, l2);
            erase(b, s2, l2); insert(b, s2, a, l1);
            erase(b, s1, l1); insert(b, s1, c, l2);
            free(a); free(c);
        }
        snprintf(what, what_size, "swap@%zu,%zu", s1, s2);
        break;
    }
    default: {
        /* Replace one field (between delimiters or after '=') with a token. */
        const char *t = tokens[below(ntokens)];
        size_t s = at, e = at;
        while (s > 0 && !strchr(",;|\t\n=", b->p[s - 1])) s--;
        while (e < b->n && !strchr(",;|\t\r\n", b->p[e])) e++;
        erase(b, s, e - s);
        insert(b, s, t, strlen(t));
        snprintf(what, what_size, "field@%zu", s);
        break;
    }
    }
}

int main(int argc, char **argv) {
    if (argc != 5 || (strcmp(argv[2], "csv") != 0 && strcmp(argv[2], "toml") != 0)) {
        fprintf(stderr, "usage: mutate SEED csv|toml IN OUT\n");
        return 64;
    }
    state = strtoull(argv[1], NULL, 10) * 0x2545F4914F6CDD1Dull + 1;
    int toml = strcmp(argv[2], "toml") == 0;
    FILE *in = fopen(argv[3], "rb");
    if (!in) { perror(argv[3]); return 66; }
    Buf b = {0};
    unsigned char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, in)) > 0) insert(&b, b.n, chunk, got);
    fclose(in);
    int count = 1 + (int)below(4);
    printf("seed=%s mutations:", argv[1]);
    for (int k = 0; k < count; k++) {
        char what[160];
        mutate_once(&b, toml, what, sizeof what);
        printf(" %s", what);
    }
    printf("\n");
    FILE *out = fopen(argv[4], "wb");
    if (!out) { perror(argv[4]); return 73; }
    if (b.n && fwrite(b.p, 1, b.n, out) != b.n) { perror(argv[4]); return 74; }
    if (fclose(out) != 0) { perror(argv[4]); return 74; }
    free(b.p);
    return 0;
}

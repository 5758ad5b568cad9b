package io.weakpair.search;

import java.util.Locale;

/**
 * The query parameters of {@code /api/search}, checked: every bad value is an
 * {@link ApiError} 400 naming the parameter.
 *
 * @param rerank how many hits to re-rank by ITM (0: off)
 */
record SearchRequest(String q, int k, int rerank, boolean exact) {
    static final int MAX_QUERY_CHARS = 500;
    static final int MAX_K = 100;
    static final int MAX_RERANK = 64;

    /** @param defaultRerank what {@code rerank=true} means */
    static SearchRequest parse(String q, String k, String rerank, String exact, int defaultRerank) {
        if (q == null || q.isBlank()) throw new ApiError(400, "q: the query is empty");
        if (q.length() > MAX_QUERY_CHARS)
            throw new ApiError(400, "q: the query has " + q.length() + " characters; at most " + MAX_QUERY_CHARS);
        int kk = k == null || k.isEmpty() ? 10 : integer("k", k, 1, MAX_K);
        return new SearchRequest(q.strip(), kk, rerank(rerank, defaultRerank), flag("exact", exact));
    }

    private static int rerank(String v, int defaultRerank) {
        if (v == null || v.isEmpty()) return 0;
        String s = v.toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("on")) return defaultRerank;
        if (s.equals("false") || s.equals("off")) return 0;
        return integer("rerank", v, 0, MAX_RERANK);
    }

    private static boolean flag(String name, String v) {
        if (v == null || v.isEmpty() || v.equalsIgnoreCase("false") || v.equals("0")) return false;
        if (v.equalsIgnoreCase("true") || v.equals("1")) return true;
        throw new ApiError(400, name + ": expected true or false, got '" + clip(v) + "'");
    }

    static int integer(String name, String v, int min, int max) {
        if (!v.matches("\\d{1,9}"))
            throw new ApiError(
                    400, name + ": expected a whole number in [" + min + ", " + max + "], got '" + clip(v) + "'");
        int x = Integer.parseInt(v);
        if (x < min || x > max)
            throw new ApiError(400, name + ": " + x + " is out of range [" + min + ", " + max + "]");
        return x;
    }

    /** Echoed values are cut short: an error message must not carry a megabyte back. */
    private static String clip(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "...";
    }
}

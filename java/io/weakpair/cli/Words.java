package io.weakpair.cli;

/** Counts in messages: "1 identity", "2 identities". */
final class Words {
    private Words() {}

    static String count(long n, String one) {
        return count(n, one, one + "s");
    }

    static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}

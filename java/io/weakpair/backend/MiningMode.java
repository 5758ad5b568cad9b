package io.weakpair.backend;

/** How docs/method.md section 4 fills the hard-negative pools and picks weak positives. */
public enum MiningMode {
    /** Deterministic: pools ranked by the group maximum of S (ties to the lower index); lowest-confidence weak positive. */
    TOPK(0),
    /** Seeded: pools drawn without replacement with probabilities softmax(group maximum); uniform weak positive. */
    SAMPLE(1);

    private final int code;

    MiningMode(int code) {
        this.code = code;
    }

    /** The number of native/include/wp/mining.h's wp_mining_mode. */
    public int code() {
        return code;
    }
}

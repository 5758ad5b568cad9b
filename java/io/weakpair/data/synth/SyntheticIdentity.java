package io.weakpair.data.synth;

import io.weakpair.data.Split;

/**
 * An identity of the synthetic benchmark.
 *
 * @param id              the identity number written to the dataset file (1..ids)
 * @param nearDuplicateOf the id this identity was copied from with one or two traits
 *                        changed, or 0 when it was drawn afresh
 */
public record SyntheticIdentity(int id, Split split, Identity appearance, int nearDuplicateOf) {}

package io.weakpair.data.synth;

import java.util.Set;

/**
 * A generated caption and the attribute kinds it mentions (ground truth: every mentioned
 * kind is visible in the caption's image, though its value may be wrong at the noise rate).
 */
public record Caption(String text, Set<AttributeKind> mentions) {
    public Caption {
        mentions = Set.copyOf(mentions);
    }
}

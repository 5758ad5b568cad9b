package io.weakpair.data.synth;

import java.util.List;

/** Everything about a synthetic dataset except its pixels: identities, images, captions, ground truth. */
public record SyntheticPlan(SynthConfig config, List<SyntheticIdentity> identities, List<SyntheticImage> images) {
    public SyntheticPlan {
        identities = List.copyOf(identities);
        images = List.copyOf(images);
    }

    public int captionCount() {
        int n = 0;
        for (SyntheticImage i : images) n += i.captions().size();
        return n;
    }
}

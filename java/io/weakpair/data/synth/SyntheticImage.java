package io.weakpair.data.synth;

import io.weakpair.data.Split;
import java.util.List;
import java.util.Set;

/**
 * One image of the synthetic benchmark with its ground truth: the scene it is drawn in,
 * the attributes it shows ({@code visible}) and its captions, each of which mentions only
 * visible attributes.
 *
 * @param index    the image's number within its identity
 * @param filePath the path written to reid_raw.json, relative to imgs/
 */
public record SyntheticImage(
        SyntheticIdentity identity,
        int index,
        String filePath,
        Scene scene,
        Set<AttributeKind> visible,
        List<Caption> captions) {
    public SyntheticImage {
        visible = Set.copyOf(visible);
        captions = List.copyOf(captions);
    }

    public int id() {
        return identity.id();
    }

    public Split split() {
        return identity.split();
    }

    public View view() {
        return scene.view();
    }
}

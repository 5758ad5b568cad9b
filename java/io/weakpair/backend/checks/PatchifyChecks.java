package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/patchify.h: floating [B, C, H, W] images that tile into patch x patch squares, and patches of the same size. */
public final class PatchifyChecks {
    private PatchifyChecks() {}

    /** For patchify (images to patches) and unpatchify (back). */
    public static void images(String op, Device device, Tensor images, Tensor patches, int patch) {
        resident(op, device, required(op, images, "images"), required(op, patches, "patches"));
        floating(op, images);
        if (images.rank() != 4)
            throw new IllegalArgumentException(op + ": images " + images.describe() + " must be [B, C, H, W]");
        if (patch < 1 || images.dim(2) % patch != 0 || images.dim(3) % patch != 0)
            throw new IllegalArgumentException(op + ": " + images.dim(2) + "x" + images.dim(3) + " images "
                    + images.describe() + " do not tile into " + patch + "x" + patch + " patches");
        sameSize(op, images, patches);
    }
}

package io.weakpair.data.synth;

import java.util.List;

/**
 * Options of the synthetic benchmark. The defaults make a dataset a 2-core CPU trains on in
 * minutes: 1,000 identities (700 train / 100 val / 200 test), 4 to 6 images each from
 * several views, 2 captions per image, 128x48 PNG images.
 *
 * @param ids                identities in all splits together
 * @param seed               everything is a function of the seed and these options
 * @param height             image height in pixels
 * @param width              image width in pixels
 * @param views              the views cameras may see a person from
 * @param minImagesPerId     fewest images of one identity
 * @param maxImagesPerId     most images of one identity
 * @param captionsPerImage   captions written for each image
 * @param omissionRate       chance that a caption leaves out a visible attribute (the method's
 *                           effect shrinks as this grows)
 * @param noiseRate          chance that a value word (colour, type, length) is wrong
 * @param viewDependentShare chance that an identity carries a view-dependent object (backpack,
 *                           handbag or shoulder bag) and, independently, wears a front logo
 * @param nearDuplicates     share of identities made as a copy of an earlier one with one or
 *                           two traits changed (hard negatives)
 * @param occlusionRate      share of images with an object in front of the legs
 * @param cameras            cameras; each has its own background and light
 * @param splitRatios        train, val and test shares of the identities
 * @param imageFormat        "png" (lossless) or "jpg"
 */
public record SynthConfig(
        int ids,
        long seed,
        int height,
        int width,
        List<View> views,
        int minImagesPerId,
        int maxImagesPerId,
        int captionsPerImage,
        double omissionRate,
        double noiseRate,
        double viewDependentShare,
        double nearDuplicates,
        double occlusionRate,
        int cameras,
        List<Double> splitRatios,
        String imageFormat) {

    public SynthConfig {
        views = List.copyOf(views);
        splitRatios = List.copyOf(splitRatios);
        check(ids >= 1, "--ids must be at least 1, got " + ids);
        check(height >= 16 && width >= 8, "--size must be at least 16x8, got " + height + "x" + width);
        check(height <= 4096 && width <= 4096, "--size must be at most 4096x4096, got " + height + "x" + width);
        check(!views.isEmpty(), "--views needs at least one view");
        check(views.stream().distinct().count() == views.size(), "--views lists a view twice: " + views);
        check(
                minImagesPerId >= 1 && maxImagesPerId >= minImagesPerId && maxImagesPerId <= 1000,
                "--images-per-id must be N or MIN-MAX with 1 <= MIN <= MAX <= 1000, got " + minImagesPerId + "-"
                        + maxImagesPerId);
        check(
                captionsPerImage >= 1 && captionsPerImage <= 20,
                "--captions-per-image must be in 1..20, got " + captionsPerImage);
        rate(omissionRate, "--omission-rate");
        check(omissionRate < 1, "--omission-rate must be below 1 (captions would say nothing), got " + omissionRate);
        rate(noiseRate, "--noise-rate");
        rate(viewDependentShare, "--view-dependent-share");
        rate(nearDuplicates, "--near-duplicates");
        rate(occlusionRate, "--occlusion-rate");
        check(cameras >= 1 && cameras <= 1000, "--cameras must be in 1..1000, got " + cameras);
        check(splitRatios.size() == 3, "--split-ratios needs 3 values (train,val,test), got " + splitRatios);
        double sum = 0;
        for (double r : splitRatios) {
            check(r >= 0 && Double.isFinite(r), "--split-ratios must be non-negative, got " + splitRatios);
            sum += r;
        }
        check(sum > 0, "--split-ratios must not all be zero");
        check(
                "png".equals(imageFormat) || "jpg".equals(imageFormat),
                "--image-format must be png or jpg, got " + imageFormat);
    }

    public static SynthConfig defaults() {
        return new SynthConfig(
                1000,
                1,
                128,
                48,
                List.of(View.values()),
                4,
                6,
                2,
                0.3,
                0.05,
                0.5,
                0.3,
                0.15,
                6,
                List.of(0.7, 0.1, 0.2),
                "png");
    }

    /** Identities per split (train, val, test): rounded shares that add up to {@link #ids}. */
    public int[] identitiesPerSplit() {
        double sum = splitRatios.get(0) + splitRatios.get(1) + splitRatios.get(2);
        int train = (int) Math.round(ids * splitRatios.get(0) / sum);
        int val = (int) Math.round(ids * splitRatios.get(1) / sum);
        val = Math.min(val, ids - train);
        return new int[] {train, val, ids - train - val};
    }

    public SynthConfig withIds(int n) {
        return new SynthConfig(
                n,
                seed,
                height,
                width,
                views,
                minImagesPerId,
                maxImagesPerId,
                captionsPerImage,
                omissionRate,
                noiseRate,
                viewDependentShare,
                nearDuplicates,
                occlusionRate,
                cameras,
                splitRatios,
                imageFormat);
    }

    public SynthConfig withSeed(long s) {
        return new SynthConfig(
                ids,
                s,
                height,
                width,
                views,
                minImagesPerId,
                maxImagesPerId,
                captionsPerImage,
                omissionRate,
                noiseRate,
                viewDependentShare,
                nearDuplicates,
                occlusionRate,
                cameras,
                splitRatios,
                imageFormat);
    }

    public SynthConfig withSize(int h, int w) {
        return new SynthConfig(
                ids,
                seed,
                h,
                w,
                views,
                minImagesPerId,
                maxImagesPerId,
                captionsPerImage,
                omissionRate,
                noiseRate,
                viewDependentShare,
                nearDuplicates,
                occlusionRate,
                cameras,
                splitRatios,
                imageFormat);
    }

    public SynthConfig withRates(
            double omission, double noise, double viewDependent, double nearDup, double occlusion) {
        return new SynthConfig(
                ids,
                seed,
                height,
                width,
                views,
                minImagesPerId,
                maxImagesPerId,
                captionsPerImage,
                omission,
                noise,
                viewDependent,
                nearDup,
                occlusion,
                cameras,
                splitRatios,
                imageFormat);
    }

    private static void rate(double r, String name) {
        check(r >= 0 && r <= 1, name + " must be in [0, 1], got " + r);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}

/**
 * Datasets for text-based person search: reading, checking, sampling and loading.
 *
 * <h2>Reading</h2>
 * {@link io.weakpair.data.DatasetReader} reads CUHK-PEDES ({@code reid_raw.json}), ICFG-PEDES
 * ({@code ICFG-PEDES.json} or {@code ICFG_PEDES.json}) and RSTPReid ({@code data_captions.json}),
 * detecting the format from the file present; image paths are relative to {@code DIR/imgs}.
 * Identities are relabelled per split to 0..n-1 in increasing order of their file ids.
 * Choices made here:
 * <ul>
 *   <li>A record with any bad part (wrong type, missing field, unknown split, unsafe path,
 *       blank caption, missing or unreadable image) is skipped as a whole and reported as one
 *       {@link io.weakpair.data.DataIssue} with its index and path; in strict mode the read
 *       fails listing the first bad records and the count.</li>
 *   <li>A file that is not JSON (a syntax error) or not an array cannot be read record by
 *       record, so it is always fatal, with line and column.</li>
 *   <li>By default every image is decoded while reading ({@link io.weakpair.data.ImageCheck#DECODE}),
 *       so bad images are skipped and counted before training starts. With the faster HEADER
 *       check, an image that passes the header but fails to decode is reported, with its
 *       record, when the pipeline loads it, and stops the run.</li>
 * </ul>
 *
 * <h2>Training batches</h2>
 * {@link io.weakpair.data.IdentitySampler} plans P x K batches of (image, caption) pairs per
 * (seed, epoch), including each image's flip; {@link io.weakpair.data.BatchAssembler} loads a
 * plan through an {@link io.weakpair.data.ImageTransform} (resize, flip, normalise, CHW);
 * {@link io.weakpair.data.Prefetcher} does that on worker threads in plan order;
 * {@link io.weakpair.data.BatchTensors} makes the [B, 3, H, W] tensor. Because the plan
 * decides everything random, batches are the same whatever the threads do.
 *
 * <pre>
 * Dataset data = DatasetReader.read(dir);
 * IdentitySampler sampler = new IdentitySampler(data.split(Split.TRAIN), 8, 4, seed, 0.5);
 * BatchAssembler assembler = new BatchAssembler(ImageTransform.imagenet(128, 48));
 * try (Prefetcher batches = new Prefetcher(sampler.epoch(epoch).batches(), assembler, 2, 4)) {
 *     while (batches.hasNext()) {
 *         Batch b = batches.next();
 *         try (Scope step = Scope.open()) {
 *             Tensor images = BatchTensors.images(b);      // F32 [B, 3, H, W]
 *             Tensor labels = BatchTensors.labels(b, DType.I64);
 *             List&lt;String&gt; captions = b.captions();
 *             ...
 *         }
 *     }
 * }
 * </pre>
 *
 * <p>Mirroring an image swaps the person's left and right; captions that name a side ("over
 * his left shoulder") then describe the mirrored image wrongly, as with the real benchmarks.
 */
package io.weakpair.data;

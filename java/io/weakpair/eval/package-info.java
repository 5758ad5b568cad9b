/**
 * Text-to-image retrieval metrics and re-ranking (docs/data.md section 4), in plain Java on
 * float arrays: no tensors, no native code.
 *
 * <h2>Protocol</h2>
 * Every test caption is a query, the gallery is every test image, and the correct results of
 * a query are all gallery images with the query's label (identity). A query ranks the whole
 * gallery by a score, higher first. With {@code r_1 < ... < r_m} the 1-based ranks of its
 * {@code m} correct images:
 * <ul>
 *   <li>R@k = share of queries with {@code r_1 <= k} (k = 1, 5, 10);</li>
 *   <li>AP = {@code (1/m) sum_j j / r_j}, mAP its mean over queries;</li>
 *   <li>INP = {@code m / r_m}, mINP its mean over queries.</li>
 * </ul>
 * {@link io.weakpair.eval.RetrievalEvaluator} computes them from a score matrix or from given
 * rankings; {@link io.weakpair.eval.RetrievalMetrics} holds them as fractions and prints them
 * as percentages.
 *
 * <h2>Choices made here</h2>
 * <ul>
 *   <li><b>Ties.</b> Equal scores rank the lower gallery index first, so a ranking is a
 *       function of the scores alone. {@code -0.0} and {@code 0.0} are equal scores.
 *       Infinite scores are ordinary values; NaN is an error naming the query and gallery
 *       index ({@link io.weakpair.eval.Ranking}).</li>
 *   <li><b>A query without a correct image</b> is an error naming the query (and its label),
 *       not skipped: the protocol guarantees every query's own image is in the gallery, so
 *       such a query means the caller mixed up labels or splits, and silently skipping it
 *       would change the metrics' denominator.</li>
 *   <li><b>Re-ranking</b> ({@link io.weakpair.eval.Reranker}): only the top {@code k} of the
 *       similarity ranking are reordered, by a second score, higher first; equal second
 *       scores keep their similarity order. The rest keep their similarity order below them.
 *       The combined score is {@code z(similarity) + z(match)}, standardised within the
 *       query's top {@code k} with the population standard deviation (dividing by {@code k};
 *       dividing by {@code k - 1} instead scales both terms alike and gives the same order);
 *       a zero standard deviation gives {@code z = 0} for the whole top {@code k}.</li>
 *   <li>Per-query values are computed in parallel but averaged in query order, so results
 *       do not depend on the threads.</li>
 * </ul>
 */
package io.weakpair.eval;

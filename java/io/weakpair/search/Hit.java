package io.weakpair.search;

/**
 * One search result.
 *
 * @param imageId  the image's id in the index (what the web page asks thumbnails by)
 * @param path     the image file as indexed (absolute), or "FILE#row" for precomputed features
 * @param identity the person's identity when the gallery's annotations gave one, else -1
 * @param score    the dot product of the query and image features (cosine: both are unit vectors)
 * @param match    the ITM match score (match minus no-match logit) when re-ranked, else NaN
 */
public record Hit(int imageId, String path, int identity, float score, float match) {
    public Hit withMatch(float m) {
        return new Hit(imageId, path, identity, score, m);
    }

    public boolean reranked() {
        return !Float.isNaN(match);
    }
}

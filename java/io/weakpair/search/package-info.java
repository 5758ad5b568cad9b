/**
 * Person search over a gallery: the image features of a checkpoint in a Lucene HNSW index
 * ({@link io.weakpair.search.GalleryIndex}), a caption turned into a query vector
 * ({@link io.weakpair.search.QueryEncoder}), approximate and exact top-k
 * ({@link io.weakpair.search.GalleryIndex#search}, {@link io.weakpair.search.GalleryIndex#exactSearch}),
 * optional ITM re-ranking of the top K ({@link io.weakpair.search.MatchReranker}), the web page
 * ({@link io.weakpair.search.SearchServer}) and the OpenSearch export
 * ({@link io.weakpair.search.OpenSearchExport}).
 */
package io.weakpair.search;

package io.weakpair.search;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.io.AtomicFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * The index as an OpenSearch bulk file (NDJSON: an action line, then the document, per image)
 * and the k-NN index body that must be PUT first ({@link #mappingPath}): a {@code knn_vector}
 * field of the same dimension, HNSW on the Lucene engine with the same graph parameters and
 * the inner product space (equal to our dot product on unit vectors; OpenSearch 2.13 or
 * later for the Lucene engine). The vectors are written with Java's shortest round-trip
 * float text, so OpenSearch parses exactly the floats this index holds; no re-embedding.
 */
public final class OpenSearchExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OpenSearchExport() {}

    /** Where the index body goes: FILE.mapping.json beside the bulk file. */
    public static Path mappingPath(Path bulkFile) {
        return bulkFile.resolveSibling(bulkFile.getFileName() + ".mapping.json");
    }

    /** Writes both files atomically; returns the number of documents. */
    public static int write(GalleryIndex index, String indexName, Path bulkFile) throws IOException {
        if (!indexName.matches("[a-z0-9][a-z0-9_\\-]*"))
            throw new IllegalArgumentException("--opensearch-index '" + indexName
                    + "': OpenSearch index names are lowercase letters, digits, - and _");
        byte[] mapping = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(mapping(index.metadata()));
        AtomicFile.write(mappingPath(bulkFile), ch -> ch.write(java.nio.ByteBuffer.wrap(mapping)));
        int[] count = {0};
        AtomicFile.write(bulkFile, ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            // One generator for the file; bulk lines are root values separated by newlines.
            JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.setRootValueSeparator(new SerializedString("\n"));
            index.forEach((image, vector) -> {
                g.writeStartObject();
                g.writeObjectFieldStart("index");
                g.writeStringField("_index", indexName);
                g.writeStringField("_id", Integer.toString(image.imageId()));
                g.writeEndObject();
                g.writeEndObject();
                g.writeStartObject();
                g.writeNumberField("image_id", image.imageId());
                g.writeStringField("path", image.path());
                if (image.identity() >= 0) g.writeNumberField("identity", image.identity());
                g.writeStringField("checkpoint_sha256", index.metadata().checkpointSha256());
                g.writeArrayFieldStart("vector");
                for (float v : vector) g.writeNumber(v);
                g.writeEndArray();
                g.writeEndObject();
                count[0]++;
            });
            g.close();
            out.write('\n'); // the bulk API wants every line, the last one included, ended by a newline
            out.flush();
        });
        return count[0];
    }

    static ObjectNode mapping(IndexMetadata meta) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode index = body.putObject("settings").putObject("index");
        index.put("knn", true);
        ObjectNode props = body.putObject("mappings").putObject("properties");
        props.putObject("image_id").put("type", "integer");
        props.putObject("path").put("type", "keyword");
        props.putObject("identity").put("type", "integer");
        props.putObject("checkpoint_sha256").put("type", "keyword");
        ObjectNode vector = props.putObject("vector");
        vector.put("type", "knn_vector");
        vector.put("dimension", meta.embedDim());
        ObjectNode method = vector.putObject("method");
        method.put("name", "hnsw");
        method.put("engine", "lucene");
        method.put("space_type", "innerproduct");
        method.putObject("parameters").put("m", meta.maxConn()).put("ef_construction", meta.beamWidth());
        ((ObjectNode) body.get("mappings"))
                .putObject("_meta")
                .put("checkpoint_sha256", meta.checkpointSha256())
                .put("checkpoint_path", meta.checkpointPath())
                .put("preset", meta.preset());
        return body;
    }
}

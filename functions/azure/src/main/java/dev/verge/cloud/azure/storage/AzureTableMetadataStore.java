package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.azure.storage.TablePipeline.Reply;
import dev.verge.cloud.port.ExpiringDocuments;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link MetadataStore} on one Azure Table (Table REST API, JSON, sent through {@link TablePipeline}).
 * PartitionKey is the collection, RowKey the document key (both through {@link TableKeys}); the document's revision is {@code rev}
 * (Edm.Int64) and its JSON is split over {@code doc0, doc1, ...} because one string property holds at
 * most 64 KiB. Conditional writes use Azure's ETags: Insert Entity fails with 409 when the row exists,
 * Update Entity with 412 when someone wrote it after we read it. The table is created on first write.
 * A document's expiry is {@code expiresAt} (Edm.Int64, epoch milliseconds): Azure Table has no TTL, so
 * {@link #deleteExpired} (the housekeeping timer function) deletes what expired.
 */
public final class AzureTableMetadataStore implements MetadataStore, ExpiringDocuments {

    /** Characters per doc property: 64 KiB of UTF-16 is 32768 characters; stay under it. */
    static final int CHUNK_CHARS = 30_000;
    /** An entity holds at most 1 MiB and 255 properties; documents larger than this are refused up front. */
    static final int MAX_DOC_CHARS = 25 * CHUNK_CHARS;
    private static final int MAX_KEY_CHARS = 1024;
    static final String EXPIRES = "expiresAt";
    private static final String JSON_TYPE = "application/json";
    private static final Map<String, String> READ = Map.of("Accept", "application/json;odata=minimalmetadata");
    private static final Map<String, String> WRITE = Map.of("Accept", "application/json;odata=minimalmetadata",
            "Prefer", "return-no-content", "Content-Type", JSON_TYPE);
    // Non-ASCII characters are sent as JSON unicode escapes: Azurite over HTTPS was seen splitting multi-byte characters
    // at chunk boundaries, and plain ASCII bodies cannot be split wrongly by anything in between.
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private final TablePipeline client;
    private final String table;
    private final String tableUri;
    private final String tablesUri;
    private final int pageSize;

    public AzureTableMetadataStore(StorageConnection connection, String table) {
        this(connection, table, JdkHttpClient.shared(), 1000);
    }

    /** {@code pageSize} ($top) is small in tests to exercise continuation tokens. */
    AzureTableMetadataStore(StorageConnection connection, String table, HttpClient http, int pageSize) {
        if (!table.matches("[A-Za-z][A-Za-z0-9]{2,62}")) {
            throw new IllegalArgumentException("table name must be 3-63 letters or digits starting with a letter, found '" + table + "'");
        }
        this.client = new TablePipeline(connection.credential(), http);
        this.table = table;
        this.tableUri = connection.tableEndpoint() + "/" + table;
        this.tablesUri = connection.tableEndpoint() + "/Tables";
        this.pageSize = pageSize;
    }

    public String table() {
        return table;
    }

    @Override
    public boolean create(String collection, String key, String json, Instant expiresAt) {
        ObjectNode entity = entity(collection, key, 1, json, expiresAt);
        Reply reply = client.send(HttpMethod.POST, tableUri, WRITE, bytes(entity));
        if (isTableMissing(reply)) {
            createTable();
            reply = client.send(HttpMethod.POST, tableUri, WRITE, bytes(entity));
        }
        return switch (reply.status()) {
            case 204, 201 -> true;
            case 409 -> false;
            default -> throw TablePipeline.failure(HttpMethod.POST, tableUri, reply);
        };
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, Instant expiresAt) {
        Optional<Row> current = read(collection, key);
        if (current.isEmpty() || current.get().document().revision() != expectedRevision) {
            return false;
        }
        return replace(collection, key, current.get().etag(), entity(collection, key, expectedRevision + 1, json, expiresAt));
    }

    private boolean replace(String collection, String key, String etag, ObjectNode entity) {
        String uri = entityUri(collection, key);
        Map<String, String> headers = Map.of("Accept", READ.get("Accept"), "Content-Type", JSON_TYPE, "If-Match", etag);
        Reply reply = client.send(HttpMethod.PUT, uri, headers, bytes(entity));
        return switch (reply.status()) {
            case 204 -> true;
            case 412, 404 -> false; // written or deleted by someone else since we read it
            default -> throw TablePipeline.failure(HttpMethod.PUT, uri, reply);
        };
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        return read(collection, key).map(Row::document);
    }

    private Optional<Row> read(String collection, String key) {
        String uri = entityUri(collection, key);
        Reply reply = client.send(HttpMethod.GET, uri, READ, null);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (reply.status() != 200) {
            throw TablePipeline.failure(HttpMethod.GET, uri, reply);
        }
        JsonNode entity = parse(reply.body());
        String etag = reply.header("ETag") != null ? reply.header("ETag") : entity.path("odata.etag").asText();
        return Optional.of(new Row(document(entity), etag));
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        List<Document> documents = new ArrayList<>();
        query(prefixFilter(collection, keyPrefix), pageSize, Integer.MAX_VALUE, entity -> documents.add(document(entity)));
        documents.sort(Comparator.comparing(Document::key));
        return documents;
    }

    @Override
    public Page page(String collection, String keyPrefix, String after, int limit) {
        String filter = prefixFilter(collection, keyPrefix);
        if (after != null && after.compareTo(keyPrefix) >= 0) {
            filter += " and RowKey gt '" + TableKeys.encode(after) + "'";
        }
        // in the service's order (encoded row keys), so that the next page starts after the last one answered
        List<JsonNode> rows = new ArrayList<>();
        query(filter, Math.min(pageSize, limit + 1), limit + 1, rows::add);
        List<JsonNode> shown = rows.subList(0, Math.min(limit, rows.size()));
        String next = rows.size() > limit ? TableKeys.decode(shown.get(shown.size() - 1).path("RowKey").asText()) : null;
        return new Page(shown.stream().map(AzureTableMetadataStore::document).toList(), next);
    }

    @Override
    public int deleteExpired(Instant now) {
        List<JsonNode> expired = new ArrayList<>();
        query(EXPIRES + " le " + now.toEpochMilli() + "L", pageSize, Integer.MAX_VALUE, expired::add);
        int deleted = 0;
        for (JsonNode entity : expired) {
            String uri = tableUri + "(PartitionKey='" + entity.path("PartitionKey").asText() + "',RowKey='"
                    + entity.path("RowKey").asText() + "')";
            // only the version that expired: a create that took the key over meanwhile keeps its row
            String etag = entity.path("odata.etag").asText("*");
            Reply reply = client.send(HttpMethod.DELETE, uri, Map.of("If-Match", etag), null);
            if (reply.status() == 204) {
                deleted++;
            } else if (reply.status() != 404 && reply.status() != 412) {
                throw TablePipeline.failure(HttpMethod.DELETE, uri, reply);
            }
        }
        return deleted;
    }

    private static String prefixFilter(String collection, String keyPrefix) {
        String filter = "PartitionKey eq '" + TableKeys.encode(collection) + "'";
        if (!keyPrefix.isEmpty()) {
            String low = TableKeys.encode(keyPrefix);
            filter += " and RowKey ge '" + low + "' and RowKey lt '" + low + TableKeys.AFTER_ALL + "'";
        }
        return filter;
    }

    /** Entities matching {@code filter}, {@code top} a request, until {@code max} came or there are no more. */
    private void query(String filter, int top, int max, java.util.function.Consumer<JsonNode> each) {
        String nextPartition = null;
        String nextRow = null;
        int seen = 0;
        do {
            String query = "$filter=" + encodeQuery(filter) + "&$top=" + top
                    + (nextPartition == null ? "" : "&NextPartitionKey=" + encodeQuery(nextPartition))
                    + (nextRow == null ? "" : "&NextRowKey=" + encodeQuery(nextRow));
            String uri = tableUri + "()?" + query;
            Reply reply = client.send(HttpMethod.GET, uri, READ, null);
            if (isTableMissing(reply)) {
                return;
            }
            if (reply.status() != 200) {
                throw TablePipeline.failure(HttpMethod.GET, uri, reply);
            }
            for (JsonNode entity : parse(reply.body()).path("value")) {
                if (seen++ < max) {
                    each.accept(entity);
                }
            }
            nextPartition = reply.header("x-ms-continuation-NextPartitionKey");
            nextRow = reply.header("x-ms-continuation-NextRowKey");
        } while (nextPartition != null && seen < max);
    }

    @Override
    public boolean delete(String collection, String key) {
        String uri = entityUri(collection, key);
        Reply reply = client.send(HttpMethod.DELETE, uri, Map.of("If-Match", "*"), null);
        return switch (reply.status()) {
            case 204 -> true;
            case 404 -> false;
            default -> throw TablePipeline.failure(HttpMethod.DELETE, uri, reply);
        };
    }

    /** Creates the table; an existing one is fine (several workers may race here). */
    public void createTable() {
        ObjectNode body = JSON.createObjectNode().put("TableName", table);
        Reply reply = client.send(HttpMethod.POST, tablesUri, WRITE, bytes(body));
        if (reply.status() != 201 && reply.status() != 204 && reply.status() != 409) {
            throw TablePipeline.failure(HttpMethod.POST, tablesUri, reply);
        }
    }

    private static boolean isTableMissing(Reply reply) {
        return reply.status() == 404 && "TableNotFound".equals(reply.header("x-ms-error-code"));
    }

    private String entityUri(String collection, String key) {
        return tableUri + "(PartitionKey='" + TableKeys.encode(collection) + "',RowKey='" + rowKey(key) + "')";
    }

    private static String rowKey(String key) {
        String encoded = TableKeys.encode(key);
        if (key.isEmpty() || encoded.length() > MAX_KEY_CHARS) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "key_invalid", "a document key must be non-empty and at most "
                    + MAX_KEY_CHARS + " characters once encoded (3 per UTF-8 byte outside A-Z a-z 0-9 - . _), found "
                    + key.length() + " characters, " + encoded.length() + " encoded");
        }
        return encoded;
    }

    private static ObjectNode entity(String collection, String key, long revision, String json, Instant expiresAt) {
        if (json.length() > MAX_DOC_CHARS) {
            throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "document_too_large",
                    "a metadata document can hold at most " + MAX_DOC_CHARS + " characters, found " + json.length());
        }
        ObjectNode entity = JSON.createObjectNode()
                .put("PartitionKey", TableKeys.encode(collection))
                .put("RowKey", rowKey(key))
                .put("rev@odata.type", "Edm.Int64")
                .put("rev", Long.toString(revision));
        int part = 0;
        for (int start = 0; start < json.length() || part == 0; part++) {
            int end = Math.min(json.length(), start + CHUNK_CHARS);
            if (end < json.length() && Character.isHighSurrogate(json.charAt(end - 1))) {
                end--; // never split a surrogate pair across two properties
            }
            entity.put("doc" + part, json.substring(start, end));
            start = end;
        }
        entity.put("docParts", part);
        if (expiresAt != null) {
            entity.put(EXPIRES + "@odata.type", "Edm.Int64").put(EXPIRES, Long.toString(expiresAt.toEpochMilli()));
        }
        return entity;
    }

    private static Document document(JsonNode entity) {
        int parts = entity.path("docParts").asInt(1);
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            json.append(entity.path("doc" + i).asText(""));
        }
        // Edm.Int64 arrives as a string, with rev@odata.type beside it
        long revision = Long.parseLong(entity.path("rev").asText("0"));
        return new Document(TableKeys.decode(entity.path("RowKey").asText()), revision, json.toString());
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AzureStorageException(502, null, "Azure Table sent JSON that does not parse: " + e.getMessage());
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encodeQuery(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private record Row(Document document, String etag) {}
}

package dev.verge.cloud.aws;

import dev.verge.cloud.port.MetadataStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * {@link MetadataStore} on one DynamoDB table: partition key {@code pk} = collection, sort key
 * {@code sk} = document key, {@code rev} = revision (number), {@code doc} = the JSON, {@code expiresAt} =
 * when it may go (epoch seconds, the table's TTL attribute: DynamoDB deletes it within two days, without
 * write costs). Conditional writes on {@code rev} keep two concurrent writers
 * from both winning; reads are strongly consistent so a writer reads back what it wrote.
 */
public final class DynamoDbMetadataStore implements MetadataStore {

    static final String PK = "pk";
    static final String SK = "sk";
    static final String REV = "rev";
    static final String DOC = "doc";
    /** The TTL attribute; the SAM template turns TTL on for it. */
    static final String EXPIRES = "expiresAt";
    private static final Duration TABLE_POLL = Duration.ofMillis(250);
    private static final Duration TABLE_WAIT = Duration.ofMinutes(5);

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoDbMetadataStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * Creates the table (on-demand billing) and waits until it is active; does nothing when it
     * already exists. For tests and a first run; production tables come from the SAM template.
     */
    public static void createTable(DynamoDbClient dynamo, String table) {
        try {
            dynamo.createTable(b -> b.tableName(table)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            a -> a.attributeName(PK).attributeType(ScalarAttributeType.S),
                            a -> a.attributeName(SK).attributeType(ScalarAttributeType.S))
                    .keySchema(
                            k -> k.attributeName(PK).keyType(KeyType.HASH),
                            k -> k.attributeName(SK).keyType(KeyType.RANGE)));
        } catch (ResourceInUseException alreadyThere) {
            // created by someone else first: fine, wait for it below
        }
        // the SDK's default looks every 20 s; a new table is ACTIVE within seconds, on an emulator at once
        dynamo.waiter().waitUntilTableExists(b -> b.tableName(table), o -> o
                .backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(TABLE_POLL))
                .maxAttempts((int) (TABLE_WAIT.toMillis() / TABLE_POLL.toMillis()))
                .waitTimeout(TABLE_WAIT));
    }

    @Override
    public boolean create(String collection, String key, String json, Instant expiresAt) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item(collection, key, 1, json, expiresAt))
                    .conditionExpression("attribute_not_exists(" + PK + ")"));
            return true;
        } catch (ConditionalCheckFailedException exists) {
            return false;
        }
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, Instant expiresAt) {
        try {
            dynamo.putItem(b -> b.tableName(table)
                    .item(item(collection, key, expectedRevision + 1, json, expiresAt))
                    // false for a missing item too: it has no rev to compare
                    .conditionExpression("#rev = :expected")
                    .expressionAttributeNames(Map.of("#rev", REV))
                    .expressionAttributeValues(Map.of(":expected", number(expectedRevision))));
            return true;
        } catch (ConditionalCheckFailedException staleOrMissing) {
            return false;
        }
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table)
                        .key(key(collection, key))
                        .consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(document(item));
    }

    @Override
    public Page page(String collection, String keyPrefix, String after, int limit) {
        QueryRequest.Builder query = query(collection, keyPrefix).limit(limit);
        if (after != null && after.compareTo(keyPrefix) >= 0) {
            query.exclusiveStartKey(key(collection, after));
        }
        var response = dynamo.query(query.build());
        List<Document> found = response.items().stream().map(DynamoDbMetadataStore::document).toList();
        Map<String, AttributeValue> last = response.lastEvaluatedKey();
        return new Page(found, last == null || last.isEmpty() ? null : last.get(SK).s());
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        List<Document> found = new ArrayList<>();
        dynamo.queryPaginator(query(collection, keyPrefix).build()).items().forEach(item -> found.add(document(item)));
        return found;
    }

    private QueryRequest.Builder query(String collection, String keyPrefix) {
        QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true);
        if (keyPrefix.isEmpty()) {
            // DynamoDB refuses an empty string in a key condition
            return query.keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", text(collection)));
        }
        return query.keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
                .expressionAttributeValues(Map.of(":pk", text(collection), ":prefix", text(keyPrefix)));
    }


    @Override
    public boolean delete(String collection, String key) {
        Map<String, AttributeValue> old = dynamo.deleteItem(b -> b.tableName(table)
                        .key(key(collection, key))
                        .returnValues(ReturnValue.ALL_OLD))
                .attributes();
        return old != null && !old.isEmpty();
    }

    private static Map<String, AttributeValue> key(String collection, String key) {
        return Map.of(PK, text(collection), SK, text(key));
    }

    private static Map<String, AttributeValue> item(String collection, String key, long revision, String json, Instant expiresAt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(PK, text(collection), SK, text(key), REV, number(revision),
                DOC, text(json)));
        if (expiresAt != null) {
            // TTL works in seconds; rounded up, so a document never goes before its time
            long seconds = expiresAt.getEpochSecond() + (expiresAt.getNano() > 0 ? 1 : 0);
            item.put(EXPIRES, number(seconds));
        }
        return item;
    }

    private static Document document(Map<String, AttributeValue> item) {
        return new Document(item.get(SK).s(), Long.parseLong(item.get(REV).n()), item.get(DOC).s());
    }

    private static AttributeValue text(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

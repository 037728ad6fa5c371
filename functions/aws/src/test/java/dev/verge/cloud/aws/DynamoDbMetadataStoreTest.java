package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.MetadataStore.Document;
import dev.verge.cloud.port.MetadataStoreContract;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The metadata store contract, against dynalite. */
class DynamoDbMetadataStoreTest extends MetadataStoreContract {

    @Override
    protected MetadataStore newStore() {
        return new DynamoDbMetadataStore(Emulators.dynamo(), Emulators.TABLE);
    }

    @Test
    void list_moreThanOneQueryPage_returnsEveryDocumentInOrder() {
        // a Query page holds at most 1 MB: 40 documents of 30 KB take two pages
        String payload = "{\"p\":\"" + "x".repeat(30_000) + "\"}";
        for (int i = 0; i < 40; i++) {
            store.create(collection, String.format("k%03d", i), payload);
        }

        assertThat(Emulators.dynamo().query(q -> q.tableName(Emulators.TABLE)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(collection))))
                .lastEvaluatedKey()).as("one Query answers one page only").isNotEmpty();
        assertThat(store.list(collection, "k"))
                .hasSize(40)
                .extracting(Document::key)
                .startsWith("k000", "k001")
                .endsWith("k039")
                .isSorted();
    }
}

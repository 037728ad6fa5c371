package dev.verge.cloud.azure.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageConnectionTest {

    private static final String KEY = "a2V5LWJ5dGVzLWZvci10ZXN0cw==";

    @Test
    void parse_developmentStorage_pointsAtAzuriteDefaults() {
        StorageConnection c = StorageConnection.parse("UseDevelopmentStorage=true", "AzureWebJobsStorage");

        assertThat(c.accountName()).isEqualTo("devstoreaccount1");
        assertThat(c.blobEndpoint()).hasToString("http://127.0.0.1:10000/devstoreaccount1");
        assertThat(c.tableEndpoint()).hasToString("http://127.0.0.1:10002/devstoreaccount1");
        assertThat(c.credential()).isInstanceOf(StorageCredential.AccountKey.class);
    }

    @Test
    void parse_accountAndKey_derivesEndpointsFromProtocolAndSuffix() {
        StorageConnection c = StorageConnection.parse(
                "DefaultEndpointsProtocol=https;AccountName=vergemodels;AccountKey=" + KEY + ";EndpointSuffix=core.chinacloudapi.cn",
                "VERGE_STORAGE");

        assertThat(c.accountName()).isEqualTo("vergemodels");
        assertThat(c.blobEndpoint()).hasToString("https://vergemodels.blob.core.chinacloudapi.cn");
        assertThat(c.tableEndpoint()).hasToString("https://vergemodels.table.core.chinacloudapi.cn");
    }

    @Test
    void parse_explicitEndpointsAndKeyPadding_keepsThemWithoutTrailingSlash() {
        StorageConnection c = StorageConnection.parse(
                "accountname=acct; accountkey=" + KEY + " ;BlobEndpoint=http://127.0.0.1:1234/acct/;TableEndpoint=http://127.0.0.1:5678/acct;",
                "VERGE_STORAGE");

        assertThat(c.blobEndpoint()).hasToString("http://127.0.0.1:1234/acct");
        assertThat(c.tableEndpoint()).hasToString("http://127.0.0.1:5678/acct");
        assertThat(((StorageCredential.AccountKey) c.credential()).key().getAccountName()).isEqualTo("acct");
    }

    @Test
    void parse_missingKey_namesTheSettingAndWhatIsMissing() {
        assertThatThrownBy(() -> StorageConnection.parse("AccountName=acct", "VERGE_STORAGE"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VERGE_STORAGE")
                .hasMessageContaining("AccountKey");
    }

    @Test
    void parse_sasConnectionString_isRefusedWithAReason() {
        assertThatThrownBy(() -> StorageConnection.parse("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=x", "VERGE_STORAGE"))
                .hasMessageContaining("SAS");
    }

    @Test
    void parse_garbage_isRefused() {
        assertThatThrownBy(() -> StorageConnection.parse("not a connection string", "VERGE_STORAGE"))
                .hasMessageContaining("Key=Value");
    }

    @Test
    void toString_neverShowsTheKey() {
        StorageConnection c = StorageConnection.parse("AccountName=acct;AccountKey=" + KEY, "VERGE_STORAGE");

        assertThat(c.toString()).doesNotContain(KEY);
        assertThat(c.credential().toString()).doesNotContain(KEY);
    }

    @Test
    void fromSettings_connectionStringSetting_winsOverIdentitySettings() {
        Map<String, String> settings = Map.of("VERGE_STORAGE", "UseDevelopmentStorage=true", "VERGE_STORAGE__accountName", "other");

        assertThat(StorageConnection.fromSettings(settings::get, "VERGE_STORAGE").accountName()).isEqualTo("devstoreaccount1");
    }

    @Test
    void fromSettings_accountNameOnly_usesTheIdentityAndPublicEndpoints() {
        Map<String, String> settings = Map.of("VERGE_STORAGE__accountName", "vergemodels");

        StorageConnection c = StorageConnection.fromSettings(settings::get, "VERGE_STORAGE");

        assertThat(c.credential()).isInstanceOf(StorageCredential.Identity.class);
        assertThat(c.blobEndpoint()).hasToString("https://vergemodels.blob.core.windows.net");
        assertThat(c.tableEndpoint()).hasToString("https://vergemodels.table.core.windows.net");
    }

    @Test
    void parse_keyThatIsNotBase64_isRefusedWithTheAccount() {
        assertThatThrownBy(() -> StorageConnection.parse("AccountName=acct;AccountKey=not*base64", "VERGE_STORAGE"))
                .hasMessageContaining("acct")
                .hasMessageContaining("base64");
    }

    @Test
    void fromSettings_nothingSet_saysWhichSettingsWouldDo() {
        assertThatThrownBy(() -> StorageConnection.fromSettings(name -> null, "VERGE_STORAGE"))
                .hasMessageContaining("VERGE_STORAGE")
                .hasMessageContaining("VERGE_STORAGE__accountName");
    }
}

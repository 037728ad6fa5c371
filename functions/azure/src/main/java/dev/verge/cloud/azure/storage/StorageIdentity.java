package dev.verge.cloud.azure.storage;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.identity.DefaultAzureCredentialBuilder;

/**
 * The identity a storage connection without a key runs as, from azure-identity's
 * {@code DefaultAzureCredential}, which tries in turn: a service principal from {@code AZURE_CLIENT_ID} /
 * {@code AZURE_TENANT_ID} / {@code AZURE_CLIENT_SECRET}; workload identity ({@code AZURE_FEDERATED_TOKEN_FILE},
 * AKS); the managed identity of the host (App Service and Functions through {@code IDENTITY_ENDPOINT} /
 * {@code IDENTITY_HEADER}, VMs and containers through IMDS, Azure Arc, Service Fabric); and on a developer's
 * machine the IntelliJ or VS Code sign-in, Azure CLI, Azure PowerShell or Azure Developer CLI
 * ({@code AZURE_TOKEN_CREDENTIALS=prod} or {@code dev} keeps one half). The SDK caches tokens and refreshes
 * them before they expire.
 * The identity needs "Storage Blob Data Contributor", "Storage Table Data Contributor" and, for download
 * URLs (user delegation SAS), "Storage Blob Delegator" on the account.
 */
final class StorageIdentity {

    private StorageIdentity() {}

    /** {@code clientId} selects a user-assigned managed identity (and the workload identity's client); null for the system-assigned one. */
    static TokenCredential credential(String clientId, HttpClient http) {
        DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().httpClient(http);
        if (clientId != null) {
            builder.managedIdentityClientId(clientId).workloadIdentityClientId(clientId);
        }
        return builder.build();
    }
}

package dev.verge.cloud.azure.storage;

/** How requests to a storage account are authorized: with the account key, or with a managed identity's token. */
public sealed interface StorageCredential permits SharedKeyCredential, ManagedIdentityCredential {}

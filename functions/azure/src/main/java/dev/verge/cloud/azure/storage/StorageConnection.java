package dev.verge.cloud.azure.storage;

import com.azure.storage.common.StorageSharedKeyCredential;
import java.net.URI;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Where a storage account's blob and table services are and how to authorize against them. Built from
 * a standard Azure Storage connection string, or from the identity-based settings Azure Functions uses
 * ({@code <NAME>__accountName}, {@code <NAME>__blobServiceUri}, {@code <NAME>__tableServiceUri},
 * {@code <NAME>__clientId}) when the app runs with an Entra identity and holds no key ({@link StorageIdentity}).
 */
public record StorageConnection(String accountName, URI blobEndpoint, URI tableEndpoint, StorageCredential credential) {

    static final String DEV_ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known key for the development account (public, the same for every developer). */
    static final String DEV_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public StorageConnection {
        blobEndpoint = withoutTrailingSlash(blobEndpoint);
        tableEndpoint = withoutTrailingSlash(tableEndpoint);
    }

    /**
     * Reads the connection named {@code name} from app settings: the setting itself holds a connection
     * string, or {@code name__...} settings describe an identity-based connection.
     */
    public static StorageConnection fromSettings(UnaryOperator<String> settings, String name) {
        String connectionString = settings.apply(name);
        if (connectionString != null && !connectionString.isBlank()) {
            return parse(connectionString, name);
        }
        String account = settings.apply(name + "__accountName");
        String blobUri = settings.apply(name + "__blobServiceUri");
        String tableUri = settings.apply(name + "__tableServiceUri");
        if (account == null && blobUri == null) {
            throw new IllegalArgumentException("app setting " + name + " is missing: set it to a storage connection string"
                    + " (DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...), or set " + name
                    + "__accountName (or " + name + "__blobServiceUri and " + name + "__tableServiceUri) to use the managed identity");
        }
        URI blob = blobUri != null ? URI.create(blobUri) : URI.create("https://" + account + ".blob.core.windows.net");
        URI table = tableUri != null ? URI.create(tableUri) : URI.create("https://" + account + ".table.core.windows.net");
        String accountName = account != null ? account : blob.getHost().split("\\.")[0];
        return new StorageConnection(accountName, blob, table, new StorageCredential.Identity(
                StorageIdentity.credential(settings.apply(name + "__clientId"), JdkHttpClient.shared())));
    }

    /** Parses a connection string; {@code settingName} only names the setting in error messages. */
    public static StorageConnection parse(String connectionString, String settingName) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String part : connectionString.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("app setting " + settingName
                        + " is not a storage connection string: expected Key=Value pairs separated by ';', found a part without '='");
            }
            parts.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1).trim());
        }
        if ("true".equalsIgnoreCase(parts.get("usedevelopmentstorage"))) {
            String proxy = parts.getOrDefault("developmentstorageproxyuri", "http://127.0.0.1");
            URI base = URI.create(proxy);
            String scheme = base.getScheme() + "://" + base.getHost();
            return new StorageConnection(DEV_ACCOUNT,
                    URI.create(scheme + ":10000/" + DEV_ACCOUNT), URI.create(scheme + ":10002/" + DEV_ACCOUNT),
                    accountKey(DEV_ACCOUNT, DEV_KEY));
        }
        if (parts.containsKey("sharedaccesssignature")) {
            throw new IllegalArgumentException("app setting " + settingName
                    + " holds a SAS connection string; Verge needs an account key (AccountName=...;AccountKey=...) or a managed identity");
        }
        String account = parts.get("accountname");
        String key = parts.get("accountkey");
        if (account == null || key == null) {
            throw new IllegalArgumentException("app setting " + settingName
                    + " must name AccountName and AccountKey (or be UseDevelopmentStorage=true); found keys " + parts.keySet());
        }
        String protocol = parts.getOrDefault("defaultendpointsprotocol", "https");
        String suffix = parts.getOrDefault("endpointsuffix", "core.windows.net");
        URI blob = URI.create(parts.getOrDefault("blobendpoint", protocol + "://" + account + ".blob." + suffix));
        URI table = URI.create(parts.getOrDefault("tableendpoint", protocol + "://" + account + ".table." + suffix));
        return new StorageConnection(account, blob, table, accountKey(account, key));
    }

    static StorageCredential.AccountKey accountKey(String account, String base64Key) {
        try {
            Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the AccountKey of storage account " + account + " is not base64", e);
        }
        return new StorageCredential.AccountKey(new StorageSharedKeyCredential(account, base64Key));
    }

    /** The connection string Azurite answers to on the given ports of 127.0.0.1. */
    public static String azuriteConnectionString(int blobPort, int tablePort) {
        return "DefaultEndpointsProtocol=http;AccountName=" + DEV_ACCOUNT + ";AccountKey=" + DEV_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + blobPort + "/" + DEV_ACCOUNT
                + ";TableEndpoint=http://127.0.0.1:" + tablePort + "/" + DEV_ACCOUNT + ";";
    }

    private static URI withoutTrailingSlash(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : uri;
    }

    @Override
    public String toString() {
        // never print the key
        return "StorageConnection[" + accountName + ", blob=" + blobEndpoint + ", table=" + tableEndpoint + "]";
    }
}

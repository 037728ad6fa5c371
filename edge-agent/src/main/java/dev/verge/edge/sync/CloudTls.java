package dev.verge.edge.sync;

import dev.verge.wire.tls.TlsClient;
import dev.verge.wire.tls.TlsFiles;
import java.net.http.HttpClient;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;

/**
 * How the agent's TLS to the cloud differs from the JDK's default: a private CA to trust ({@code --cloud-ca}, a
 * PEM bundle, trusted besides the JDK's CAs) and a client certificate for mutual TLS ({@code --cloud-client-cert},
 * {@code --cloud-client-key}), which API Gateway on a custom domain and an Azure Function App with client
 * certificates required check before any request reaches Verge. Sync, telemetry and the cloud fallback all use it.
 *
 * @param ca         PEM bundle of CAs to trust besides the JDK's; null: the JDK's alone
 * @param clientCert PEM certificate chain to present; null: none
 * @param clientKey  PEM PKCS#8 key of {@code clientCert}
 */
public record CloudTls(Path ca, Path clientCert, Path clientKey) {
    public static final String ENV_CLOUD_CA = "VERGE_CLOUD_CA";
    public static final String ENV_CLOUD_CLIENT_CERT = "VERGE_CLOUD_CLIENT_CERT";
    public static final String ENV_CLOUD_CLIENT_KEY = "VERGE_CLOUD_CLIENT_KEY";
    public static final CloudTls DEFAULT = new CloudTls(null, null, null);

    public CloudTls {
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("a client certificate needs both --cloud-client-cert and --cloud-client-key"
                    + " (or " + ENV_CLOUD_CLIENT_CERT + " and " + ENV_CLOUD_CLIENT_KEY + "), found only "
                    + (clientCert == null ? "the key" : "the certificate"));
        }
    }

    public boolean isDefault() {
        return ca == null && clientCert == null;
    }

    /** The context for connections to the cloud; null for the JDK's default. Reads the files now: a wrong one stops the agent. */
    public SSLContext context() {
        if (isDefault()) {
            return null;
        }
        TlsFiles client = clientCert == null ? null : TlsFiles.client(clientCert, clientKey, "--cloud-client-cert", "--cloud-client-key");
        return TlsClient.context(ca, client);
    }

    /** The context for other hosts (a package download redirected to a bucket): the CAs, never the client certificate. */
    public SSLContext trustContext() {
        return ca == null ? null : TlsClient.context(ca, null);
    }

    /** {@code builder} with this context, when there is one. */
    public HttpClient.Builder applyTo(HttpClient.Builder builder, SSLContext context) {
        return context == null ? builder : builder.sslContext(context);
    }
}

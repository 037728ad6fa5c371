package dev.verge.wire.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * The TLS context of a client: it trusts the CAs of a PEM bundle besides the JDK's own (a private CA, added as an
 * operator adds one to the system store: a pre-signed bucket URL with a public certificate still works), and
 * presents a client certificate when the server asks for one (mutual TLS: API Gateway on a custom domain, an
 * Azure Function App that requires client certificates).
 */
public final class TlsClient {
    private TlsClient() {}

    /**
     * @param caBundle   PEM certificates to trust besides the JDK's default CAs, or null for those alone
     * @param clientCert the certificate to present, or null for none
     */
    public static SSLContext context(Path caBundle, TlsFiles clientCert) {
        try {
            TrustManager[] trust = caBundle == null ? null : trustManagers(caBundle);
            KeyManager[] keys = clientCert == null ? null : new KeyManager[] {clientCert};
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS to the cloud: " + e.getMessage(), e);
        }
    }

    private static TrustManager[] trustManagers(Path caBundle) throws GeneralSecurityException {
        X509TrustManager bundle = x509(bundleTrust(caBundle));
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        X509TrustManager defaults = x509(jdk.getTrustManagers());
        return new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client does not check client certificates");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                try {
                    bundle.checkServerTrusted(chain, authType);
                } catch (CertificateException notFromTheBundle) {
                    defaults.checkServerTrusted(chain, authType);
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                X509Certificate[] a = bundle.getAcceptedIssuers();
                X509Certificate[] b = defaults.getAcceptedIssuers();
                X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, all, a.length, b.length);
                return all;
            }
        }};
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager m : managers) {
            if (m instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the JDK offers no X.509 trust manager");
    }

    private static TrustManager[] bundleTrust(Path caBundle) throws GeneralSecurityException {
        Collection<? extends Certificate> cas;
        try (InputStream in = Files.newInputStream(caBundle)) {
            cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA bundle " + caBundle + ": expected PEM certificates ("
                    + e.getMessage() + ")", e);
        }
        if (cas.isEmpty()) {
            throw new IllegalStateException("the CA bundle " + caBundle + " holds no certificate; expected PEM certificates"
                    + " (BEGIN CERTIFICATE)");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int n = 0;
        for (Certificate ca : cas) {
            store.setCertificateEntry("ca-" + (++n), ca);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }
}

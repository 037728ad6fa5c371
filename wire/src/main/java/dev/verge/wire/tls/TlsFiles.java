package dev.verge.wire.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A certificate chain and its private key from PEM files: the edge agent's and the local cloud's server
 * certificate ({@code --tls-cert}, {@code --tls-key}), or the agent's client certificate for mutual TLS with the
 * cloud ({@code --cloud-client-cert}, {@code --cloud-client-key}). A renewed pair (certbot, a cert-manager sidecar,
 * an IoT Edge module's own renewal) is picked up by the next handshake after the files change, checked at most
 * once a second; a pair that does not load keeps the last good one. In {@code wire} because both sides use it.
 */
public final class TlsFiles extends X509ExtendedKeyManager {
    private static final System.Logger LOG = System.getLogger(TlsFiles.class.getName());
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    /** One loaded pair; its alias names it, so a handshake that spans a reload still gets a matching key and chain. */
    private record Pair(String alias, X509Certificate[] chain, PrivateKey key, FileTime certTime, FileTime keyTime) {}

    private final Path certFile;
    private final Path keyFile;
    private final boolean client;
    private final AtomicLong generation = new AtomicLong();
    private final Map<String, Pair> recent = new ConcurrentHashMap<>();
    private volatile Pair current;
    private volatile long checkedAt;

    /** A server's pair ({@code --tls-cert}, {@code --tls-key}), loaded now so that a wrong file stops the server at start. */
    public TlsFiles(Path certFile, Path keyFile) {
        this(certFile, keyFile, false, "cannot serve HTTPS with --tls-cert " + certFile + " and --tls-key " + keyFile);
    }

    /** A client's pair for mutual TLS, presented to servers that ask for one. */
    public static TlsFiles client(Path certFile, Path keyFile, String certOption, String keyOption) {
        return new TlsFiles(certFile, keyFile, true, "cannot use the client certificate " + certOption + " " + certFile
                + " and " + keyOption + " " + keyFile);
    }

    private TlsFiles(Path certFile, Path keyFile, boolean client, String failure) {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.client = client;
        try {
            this.current = load();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(failure
                    + ": expected a PEM certificate chain and a PEM PKCS#8 private key (BEGIN PRIVATE KEY), " + e.getMessage(), e);
        }
        recent.put(current.alias(), current);
        this.checkedAt = System.nanoTime();
    }

    /** A server's context: this pair, and the JDK's default trust (unused: no client certificate is asked for). */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {this}, null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
    }

    private Pair fresh() {
        long now = System.nanoTime();
        if (now - checkedAt < CHECK_INTERVAL_NANOS) {
            return current;
        }
        synchronized (this) {
            if (now - checkedAt < CHECK_INTERVAL_NANOS) {
                return current;
            }
            checkedAt = now;
            Pair pair = current;
            try {
                if (!Files.getLastModifiedTime(certFile).equals(pair.certTime()) || !Files.getLastModifiedTime(keyFile).equals(pair.keyTime())) {
                    Pair loaded = load();
                    recent.keySet().removeIf(alias -> !alias.equals(pair.alias()));
                    recent.put(loaded.alias(), loaded);
                    current = loaded;
                    LOG.log(System.Logger.Level.INFO, "TLS: serving the renewed certificate " + loaded.chain()[0].getSubjectX500Principal()
                            + ", valid until " + loaded.chain()[0].getNotAfter().toInstant());
                }
            } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "TLS: the certificate or key file changed but does not load ("
                        + e.getMessage() + "); still serving the previous certificate");
            }
            return current;
        }
    }

    private Pair load() throws IOException, GeneralSecurityException {
        FileTime certTime = Files.getLastModifiedTime(certFile);
        FileTime keyTime = Files.getLastModifiedTime(keyFile);
        List<X509Certificate> chain;
        try (InputStream in = Files.newInputStream(certFile)) {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("found no certificate in " + certFile);
        }
        PrivateKey key = privateKey(Files.readString(keyFile, StandardCharsets.US_ASCII));
        if (!chain.getFirst().getPublicKey().getAlgorithm().equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("the key is " + key.getAlgorithm() + ", the certificate's is "
                    + chain.getFirst().getPublicKey().getAlgorithm());
        }
        return new Pair("verge-" + generation.incrementAndGet(), chain.toArray(X509Certificate[]::new), key, certTime, keyTime);
    }

    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("found no PKCS#8 block (BEGIN PRIVATE KEY); convert one with"
                    + " openssl pkcs8 -topk8 -nocrypt");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // the next algorithm
            }
        }
        throw new IllegalArgumentException("the private key is neither RSA, EC nor EdDSA");
    }

    private static boolean fits(String keyType, PrivateKey key) {
        String algorithm = key.getAlgorithm();
        return keyType.equals(algorithm)
                || (algorithm.equals("RSA") && keyType.equals("RSASSA-PSS"))
                || ((algorithm.equals("EdDSA") || algorithm.equals("Ed25519") || algorithm.equals("Ed448"))
                        && (keyType.equals("EdDSA") || keyType.equals("Ed25519") || keyType.equals("Ed448")));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (client) {
            return null;
        }
        Pair pair = fresh();
        return fits(keyType, pair.key()) ? pair.alias() : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseEngineServerAlias(keyType, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Pair pair = recent.get(alias);
        return pair == null ? null : pair.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Pair pair = recent.get(alias);
        return pair == null ? null : pair.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Pair pair = current;
        return fits(keyType, pair.key()) ? new String[] {pair.alias()} : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        Pair pair = current;
        return client && fits(keyType, pair.key()) ? new String[] {pair.alias()} : null;
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseEngineClientAlias(keyTypes, issuers, null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        if (!client) {
            return null;
        }
        Pair pair = fresh();
        for (String keyType : keyTypes) {
            if (fits(keyType, pair.key())) {
                return pair.alias();
            }
        }
        return null;
    }
}

package dev.verge.cloud.local;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.verge.wire.tls.TlsFiles;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.retention.Housekeeping;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.events.BlobUpload;
import dev.verge.cloud.events.BlobUploads;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.port.BlobInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The cloud functions on one machine: the registry API over the JDK HTTP server, packages in a
 * folder, records in SQLite, and a watched {@code models/} folder standing in for bucket
 * notifications. Data layout under {@code --data}:
 * <pre>
 * blobs/            the blob store (drop a package zip into blobs/models/ to register it)
 * metadata.db       the metadata store (SQLite, WAL)
 * blob-url.key      the secret that signs blob download URLs
 * signing.key       the Ed25519 key packages are signed with for devices, made on first start unless
 *                   VERGE_SIGNING_KEY (or the config) gives one; its public key is served at GET /api/signing-key
 * tmp/              uploads being validated
 * </pre>
 * A timer runs the rollout controller every {@link Settings#rolloutTick()}, so canaries are promoted
 * after their bake time even when no device reports.
 */
public final class LocalCloud implements AutoCloseable {
    /**
     * Seconds a client has to send a whole request, headers and body ({@code sun.net.httpserver.maxReqTime}, unset
     * by default: forever), as on the edge agent: a client trickling its headers is cut off instead of holding a
     * connection. Read once per JVM by the JDK, so set before the first server starts unless the command line set
     * it; a 512 MiB package upload needs about 18 MB/s within it.
     */
    static final String MAX_REQUEST_SECONDS = "30";

    static {
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", MAX_REQUEST_SECONDS);
        }
    }

    /**
     * How to start.
     *
     * @param host          address to bind ({@code 0.0.0.0} for every interface)
     * @param port          0 for a free port
     * @param publicUrl     base of blob download URLs handed to devices; null for {@code http://localhost:<port>}
     * @param rescanEvery   how often the models folder is rescanned for files the watch service missed
     * @param quietPeriod   how long a dropped file must stay unchanged before it is registered
     * @param rolloutTick   how often the rollout controller looks at deployments in progress
     * @param tlsCert       PEM certificate chain; with {@code tlsKey} the port serves HTTPS only (null: plain HTTP)
     * @param tlsKey        PEM PKCS#8 private key of the chain's first certificate
     */
    public record Settings(String host, int port, Path dataDir, CloudConfig config, URI publicUrl,
                           Duration rescanEvery, Duration quietPeriod, Duration rolloutTick, Path tlsCert, Path tlsKey) {

        public Settings {
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("HTTPS needs both --tls-cert and --tls-key (or VERGE_TLS_CERT and"
                        + " VERGE_TLS_KEY), found only " + (tlsCert == null ? "the key" : "the certificate"));
            }
        }

        public Settings(String host, int port, Path dataDir, CloudConfig config, URI publicUrl,
                        Duration rescanEvery, Duration quietPeriod, Duration rolloutTick) {
            this(host, port, dataDir, config, publicUrl, rescanEvery, quietPeriod, rolloutTick, null, null);
        }

        public Settings(String host, int port, Path dataDir, CloudConfig config, URI publicUrl,
                        Duration rescanEvery, Duration quietPeriod) {
            this(host, port, dataDir, config, publicUrl, rescanEvery, quietPeriod, DEFAULT_ROLLOUT_TICK);
        }

        public static Settings of(Path dataDir, CloudConfig config) {
            return new Settings("127.0.0.1", 0, dataDir, config, null, Duration.ofSeconds(30), Duration.ofSeconds(1));
        }

        public Settings withPort(int newPort) {
            return new Settings(host, newPort, dataDir, config, publicUrl, rescanEvery, quietPeriod, rolloutTick, tlsCert, tlsKey);
        }

        public Settings withHost(String newHost) {
            return new Settings(newHost, port, dataDir, config, publicUrl, rescanEvery, quietPeriod, rolloutTick, tlsCert, tlsKey);
        }

        public Settings withPublicUrl(URI url) {
            return new Settings(host, port, dataDir, config, url, rescanEvery, quietPeriod, rolloutTick, tlsCert, tlsKey);
        }

        public Settings withTimings(Duration rescan, Duration quiet) {
            return new Settings(host, port, dataDir, config, publicUrl, rescan, quiet, rolloutTick, tlsCert, tlsKey);
        }

        public Settings withRolloutTick(Duration tick) {
            return new Settings(host, port, dataDir, config, publicUrl, rescanEvery, quietPeriod, tick, tlsCert, tlsKey);
        }

        public Settings withTls(Path cert, Path key) {
            return new Settings(host, port, dataDir, config, publicUrl, rescanEvery, quietPeriod, rolloutTick, cert, key);
        }

        public boolean https() {
            return tlsCert != null;
        }
    }

    public static final Duration DEFAULT_ROLLOUT_TICK = Duration.ofSeconds(5);
    /** The store name dropped files are recorded under, and that blob rules ({@code "store"}) match. */
    public static final String LOCAL_STORE = "local";

    private final HttpServer server;
    private final ExecutorService executor;
    private final SqliteMetadataStore metadata;
    private final ModelFolderWatcher watcher;
    private final List<PeriodicTask> timers;
    private final CloudServices services;
    private final URI baseUri;

    private LocalCloud(HttpServer server, ExecutorService executor, SqliteMetadataStore metadata,
                       ModelFolderWatcher watcher, List<PeriodicTask> timers, CloudServices services, URI baseUri) {
        this.server = server;
        this.executor = executor;
        this.metadata = metadata;
        this.watcher = watcher;
        this.timers = timers;
        this.services = services;
        this.baseUri = baseUri;
    }

    /** Opens (or creates) the data folder, starts the HTTP server and the folder watcher. */
    public static LocalCloud start(Settings settings) {
        Path data = settings.dataDir().toAbsolutePath().normalize();
        Clock clock = Clock.systemUTC();
        FileSystemBlobStore blobs = new FileSystemBlobStore(data.resolve("blobs"));
        SqliteMetadataStore metadata = new SqliteMetadataStore(data.resolve("metadata.db"));
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server;
        try {
            InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
            if (settings.https()) {
                // the agent's approach: HTTPS only, a renewed pair picked up at the next handshake
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(new TlsFiles(settings.tlsCert(), settings.tlsKey()).sslContext()));
                server = https;
            } else {
                server = HttpServer.create(address, 0);
            }
        } catch (IOException e) {
            metadata.close();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        } catch (IllegalStateException unusableCertificate) {
            metadata.close();
            throw unusableCertificate;
        }
        URI base = settings.publicUrl() != null ? settings.publicUrl()
                : URI.create((settings.https() ? "https" : "http") + "://localhost:" + server.getAddress().getPort());
        BlobUrlSigner signer = BlobUrlSigner.fromSecretFile(data.resolve("blob-url.key"), clock);
        blobs.serveDownloadsAt(base, signer);

        CloudConfig config = settings.config().withRegistry(settings.config().registry().withTempDir(data.resolve("tmp")));
        if (config.signingKey() == null) {
            config = config.withSigningKey(LocalSigningKey.loadOrCreate(data.resolve("signing.key")));
        }
        CloudServices services = CloudServices.create(blobs, metadata, clock, config);
        routing(server, services.api(), new BlobDownloadHandler(blobs, signer));
        server.setExecutor(executor);

        ModelFolderWatcher watcher = new ModelFolderWatcher(blobs, info -> onDropped(services, info),
                settings.quietPeriod(), settings.rescanEvery());
        List<PeriodicTask> timers = List.of(
                new PeriodicTask("rollout-timer", () -> services.rollout().evaluate(clock.instant()), settings.rolloutTick()),
                new PeriodicTask("housekeeping", () -> services.analytics().housekeeping().run(), Housekeeping.every()));
        server.start();
        watcher.start();
        timers.forEach(PeriodicTask::start);
        URI listening = URI.create((settings.https() ? "https" : "http") + "://" + hostForUrl(settings.host()) + ":"
                + server.getAddress().getPort());
        System.getLogger(LocalCloud.class.getName()).log(Level.INFO, "verge cloud listening on " + listening + " (data " + data + ", "
                + (config.insecureLocal() ? "INSECURE: no API key" : config.apiKeys().size() + " API key(s)") + ", "
                + (settings.https() ? "HTTPS only" : "plain HTTP") + "); package signing"
                + " public key (the agents' --trusted-key): " + services.signer().publicKeyBase64());
        return new LocalCloud(server, executor, metadata, watcher, timers, services, listening);
    }

    /**
     * The routing: the cloud API at {@code /} and signed blob downloads at {@code /blobs/}. Built
     * here once, for {@link #start} and for tests that serve a store over HTTP.
     */
    static void routing(HttpServer server, CloudApi api, BlobDownloadHandler downloads) {
        server.createContext("/", HttpExchanges.handler(api, server instanceof com.sun.net.httpserver.HttpsServer));
        server.createContext(BlobDownloadHandler.CONTEXT, HttpExchanges.handler(downloads));
    }

    /** A file under the watched folder is announced as a bucket notification announces an object. */
    private static BlobUploads.Outcome onDropped(CloudServices services, BlobInfo info) {
        return services.blobUploads().received(EventSource.FOLDER, "folder-drop",
                BlobUpload.inBucket(LOCAL_STORE, info.key(), info.etag(), info.size()));
    }

    private static String hostForUrl(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]" : host;
    }

    /** Where the server listens, e.g. {@code http://127.0.0.1:7071}. */
    public URI baseUri() {
        return baseUri;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public CloudServices services() {
        return services;
    }

    /** Scans the models folder now instead of waiting for the next rescan (tests, the CLI). */
    public void rescanNow() {
        watcher.rescanAndWait();
    }

    @Override
    public void close() {
        server.stop(1);
        timers.forEach(PeriodicTask::close);
        watcher.close();
        executor.shutdown();
        metadata.close();
    }

    /** {@code java -jar verge-cloud-local.jar --port 7071 --data ./verge-data [--api-key KEY | --insecure-local]}. */
    public static void main(String[] args) {
        System.exit(LocalCloudCommand.run(args));
    }
}

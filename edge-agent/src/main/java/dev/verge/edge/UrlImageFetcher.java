package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;

/**
 * Fetches the image behind {@code POST /url}: http and https only, from hosts the {@link UrlGuard} allows (checked
 * again on every redirect, on the very addresses the connection is made to), a connect timeout and a total
 * deadline (redirects and body included), a bounded number of redirects, and a size cap enforced while the body
 * streams in. Every failure to fetch gets the same answer: which ports answer, refuse or stall on the agent's
 * network is none of the caller's business.
 */
final class UrlImageFetcher {
    private final Duration connectTimeout;
    private final Duration totalTimeout;
    private final int maxRedirects;
    private final long maxBytes;
    private final UrlGuard guard;

    /** Built on the first fetch: creating an HTTP client costs more than the rest of the agent's start-up. */
    private volatile CloseableHttpClient client;

    UrlImageFetcher(Duration connectTimeout, Duration totalTimeout, int maxRedirects, long maxBytes, UrlGuard guard) {
        this.connectTimeout = connectTimeout;
        this.totalTimeout = totalTimeout;
        this.maxRedirects = maxRedirects;
        this.maxBytes = maxBytes;
        this.guard = guard;
    }

    static UrlImageFetcher of(AgentSettings settings) {
        return new UrlImageFetcher(settings.urlConnectTimeout(), settings.urlTimeout(), settings.urlMaxRedirects(),
                settings.maxBodyBytes(), new UrlGuard(settings.access().urlAllow(), UrlGuard.HostResolver.SYSTEM));
    }

    byte[] fetch(String url) {
        URI uri = checkedUri(url, url);
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        for (int redirects = 0; ; redirects++) {
            HttpGet get = new HttpGet(uri);
            get.setHeader("Accept", "image/jpeg, image/png, image/bmp, */*;q=0.5");
            get.setConfig(RequestConfig.custom()
                    .setResponseTimeout(Timeout.ofMilliseconds(Math.max(1, remainingMillis(deadline))))
                    .setConnectionRequestTimeout(Timeout.ofMilliseconds(Math.max(1, remainingMillis(deadline))))
                    .build());
            // ends a body that trickles in forever, and anything else still under way at the deadline
            CompletableFuture.delayedExecutor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).execute(get::cancel);
            try {
                // refused literals (which the client connects to without asking its resolver) and names alike
                guard.check(uri.getHost());
                ClassicHttpResponse response = client().executeOpen(HttpHost.create(uri), get, null);
                try (response) {
                    int status = response.getCode();
                    if (status >= 300 && status < 400 && status != 304 && response.getFirstHeader("Location") != null) {
                        if (redirects == maxRedirects) {
                            throw fetchFailed();
                        }
                        uri = checkedUri(resolve(uri, response.getFirstHeader("Location").getValue()), url);
                        continue;
                    }
                    if (status < 200 || status >= 300 || response.getEntity() == null) {
                        throw fetchFailed();
                    }
                    return readCapped(response.getEntity());
                }
            } catch (UrlGuard.AddressRefusedException e) {
                throw notAllowed();
            } catch (IOException e) {
                if (refused(e)) {
                    throw notAllowed();
                }
                throw fetchFailed();
            } catch (IllegalStateException e) {
                // the request was cancelled at the deadline before it started
                throw fetchFailed();
            }
        }
    }

    private CloseableHttpClient client() {
        CloseableHttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    DnsResolver resolver = new DnsResolver() {
                        @Override
                        public InetAddress[] resolve(String host) throws UnknownHostException {
                            return guard.check(host); // the connection goes to these addresses, and only these
                        }

                        @Override
                        public String resolveCanonicalHostname(String host) {
                            return host;
                        }
                    };
                    client = c = HttpClients.custom()
                            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                                    .setDnsResolver(resolver)
                                    .setMaxConnPerRoute(64)
                                    .setMaxConnTotal(256)
                                    .setDefaultConnectionConfig(ConnectionConfig.custom()
                                            .setConnectTimeout(Timeout.of(connectTimeout))
                                            .setSocketTimeout(Timeout.of(totalTimeout))
                                            .build())
                                    .build())
                            // redirects are followed in fetch(), so each hop is checked and counted
                            .disableRedirectHandling()
                            .disableAutomaticRetries()
                            .disableCookieManagement()
                            .disableAuthCaching()
                            .disableContentCompression()
                            .setUserAgent("verge-edge-agent")
                            .build();
                }
            }
        }
        return c;
    }

    private byte[] readCapped(HttpEntity entity) throws IOException {
        long declared = entity.getContentLength();
        if (declared > maxBytes) {
            throw tooLarge(declared + " bytes");
        }
        try (InputStream body = entity.getContent()) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge("more than " + maxBytes + " bytes");
            }
            return bytes;
        }
    }

    private static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UrlGuard.AddressRefusedException) {
                return true;
            }
        }
        return false;
    }

    private URI checkedUri(String text, String asGiven) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw invalid("expected an absolute http or https URL, found '" + asGiven + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("expected an http or https URL, found '" + text + "'");
        }
        if (uri.getHost() == null) {
            uri = withCanonicalAddress(uri);
        }
        if (uri == null) {
            throw invalid("expected a URL with a host name, found '" + text + "'");
        }
        return uri;
    }

    /**
     * java.net.URI reads short IPv4 forms such as {@code 127.1} or {@code 0x7f.1} as no host at all, where
     * resolvers read an address: that address, written plainly, so the guard sees what any client would reach.
     * Null when the authority names no address.
     */
    private static URI withCanonicalAddress(URI uri) {
        String authority = uri.getRawAuthority();
        if (authority == null || authority.contains("@")) {
            return null;
        }
        int colon = authority.lastIndexOf(':');
        String host = colon < 0 ? authority : authority.substring(0, colon);
        int port = -1;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        InetAddress address = UrlGuard.literal(host);
        if (address == null) {
            return null;
        }
        try {
            return new URI(uri.getScheme(), null, address.getHostAddress(), port, uri.getPath(), uri.getQuery(), null);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private String resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location.trim())).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw fetchFailed();
        }
    }

    private long remainingMillis(long deadline) {
        return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }

    private VergeException tooLarge(String found) {
        return new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large",
                "the image at the URL given is too large: expected at most " + maxBytes + " bytes, found " + found);
    }

    private VergeException fetchFailed() {
        return new VergeException(ErrorKind.BAD_REQUEST, "url_fetch_failed", "could not fetch an image from the URL"
                + " given: it must answer GET with 200 and the image within " + seconds(totalTimeout) + ", after at most "
                + maxRedirects + " redirects");
    }

    static VergeException notAllowed() {
        return new VergeException(ErrorKind.FORBIDDEN, "url_not_allowed", "POST /url fetches only from public internet"
                + " addresses; to fetch from a camera or a network of your own, start the agent with --url-allow"
                + " <host or CIDR> (or " + AccessSettings.ENV_URL_ALLOW + ")");
    }

    private static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "url_invalid", message);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}

package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches the image behind {@code POST /url}: http and https only, a connect timeout and a total
 * deadline (redirects and body included), a bounded number of redirects, and a size cap enforced
 * while the body streams in.
 */
final class UrlImageFetcher {
    private final Duration connectTimeout;
    private final Duration totalTimeout;
    private final int maxRedirects;
    private final long maxBytes;

    /** Built on the first fetch: creating an HttpClient costs more than the rest of the agent's start-up. */
    private volatile HttpClient client;

    UrlImageFetcher(Duration connectTimeout, Duration totalTimeout, int maxRedirects, long maxBytes) {
        this.connectTimeout = connectTimeout;
        this.totalTimeout = totalTimeout;
        this.maxRedirects = maxRedirects;
        this.maxBytes = maxBytes;
    }

    static UrlImageFetcher of(AgentSettings settings) {
        return new UrlImageFetcher(settings.urlConnectTimeout(), settings.urlTimeout(),
                settings.urlMaxRedirects(), settings.maxBodyBytes());
    }

    byte[] fetch(String url) {
        URI uri = checkedUri(url, url);
        long deadline = System.nanoTime() + totalTimeout.toNanos();
        for (int redirects = 0; ; redirects++) {
            HttpResponse<InputStream> response = send(uri, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                closeQuietly(response.body());
                String location = response.headers().firstValue("Location").orElseThrow(() -> failed(
                        "url_fetch_failed", "GET " + url + " answered " + status + " without a Location to follow"));
                if (redirects == maxRedirects) {
                    throw failed("url_too_many_redirects",
                            "GET " + url + " redirected more than " + maxRedirects + " times; give the image's final URL");
                }
                uri = checkedUri(resolve(uri, location), url);
                continue;
            }
            if (status < 200 || status >= 300) {
                closeQuietly(response.body());
                throw failed("url_fetch_failed", "GET " + uri + " answered " + status + ", expected 200 with an image");
            }
            return readCapped(response, deadline, uri);
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    client = c = HttpClient.newBuilder()
                            .connectTimeout(connectTimeout)
                            // redirects are followed in fetch(), so each hop is checked and counted
                            .followRedirects(HttpClient.Redirect.NEVER)
                            // cameras and small web servers speak HTTP/1.1; an h2c upgrade offer confuses some
                            .version(HttpClient.Version.HTTP_1_1)
                            .build();
                }
            }
        }
        return c;
    }

    private HttpResponse<InputStream> send(URI uri, long deadline) {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .header("Accept", "image/jpeg, image/png, image/bmp, */*;q=0.5")
                .GET()
                .build();
        try {
            return client().send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException e) {
            throw failed("url_timeout", "could not connect to " + authority(uri) + " within " + seconds(connectTimeout));
        } catch (HttpTimeoutException e) {
            throw failed("url_timeout", "GET " + uri + " did not answer within " + seconds(totalTimeout));
        } catch (ConnectException e) {
            throw failed("url_unreachable", "could not connect to " + authority(uri)
                    + ": nothing listens there, or the host cannot be reached");
        } catch (IOException e) {
            throw failed("url_unreachable", "GET " + uri + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VergeException(ErrorKind.NOT_READY, "shutting_down", "the agent is shutting down; retry later");
        }
    }

    private byte[] readCapped(HttpResponse<InputStream> response, long deadline, URI uri) {
        InputStream body = response.body();
        OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
        if (declared.isPresent() && declared.getAsLong() > maxBytes) {
            closeQuietly(body);
            throw tooLarge(uri, declared.getAsLong() + " bytes");
        }
        // closing the stream at the deadline ends a body that trickles in forever
        long left = deadline - System.nanoTime();
        CompletableFuture.delayedExecutor(Math.max(0, left), TimeUnit.NANOSECONDS).execute(() -> closeQuietly(body));
        try (body) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(uri, "more than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            if (System.nanoTime() - deadline >= 0) {
                throw failed("url_timeout", "GET " + uri + " did not send the whole image within " + seconds(totalTimeout));
            }
            throw failed("url_unreachable", "GET " + uri + " broke off while sending the image: " + describe(e));
        }
    }

    private URI checkedUri(String text, String asGiven) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw failed("url_invalid", "expected an absolute http or https URL, found '" + asGiven + "' (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw failed("url_invalid", "expected an http or https URL, found '" + text + "'");
        }
        if (uri.getHost() == null) {
            throw failed("url_invalid", "expected a URL with a host name, found '" + text + "'");
        }
        return uri;
    }

    private String resolve(URI base, String location) {
        try {
            return base.resolve(new URI(location.trim())).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw failed("url_fetch_failed", "GET " + base + " redirected to an invalid Location '" + location + "'");
        }
    }

    private VergeException tooLarge(URI uri, String found) {
        return new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large",
                "the image at " + uri + " is too large: expected at most " + maxBytes + " bytes, found " + found);
    }

    private static VergeException failed(String code, String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, code, message);
    }

    private static String authority(URI uri) {
        int port = uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? "the connection broke" : e.getMessage();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to release
        }
    }
}

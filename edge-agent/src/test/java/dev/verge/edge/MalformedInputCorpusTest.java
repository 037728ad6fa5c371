package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.SampleImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliability suite: a generated corpus of more than 1,000 bad images and a set of bad requests
 * against one running agent. Nothing may get a 5xx, the agent must keep answering good images, and
 * its heap must come back near where it started. Bounded: every request has a timeout, the class 90 s.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MalformedInputCorpusTest {
    private static RunningAgent agent;

    @BeforeAll
    static void start() {
        agent = RunningAgent.start();
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
    }

    record Bad(String name, byte[] body) {}

    /** More than 1,000 bad or damaged images, from a fixed seed so a failure can be replayed. */
    static List<Bad> corpus() {
        Random random = new Random(20261202);
        List<Bad> bad = new ArrayList<>();
        byte[] jpeg = SampleImages.jpeg("ripe-red-apple");
        byte[] png = SampleImages.encode(SampleImages.render(SampleImages.fruit("unripe-green-pear")), "png");
        byte[] bmp = SampleImages.encode(SampleImages.render(SampleImages.fruit("ripe-red-tomato")), "bmp");
        for (byte[] image : List.of(jpeg, png, bmp)) {
            String kind = image == jpeg ? "jpeg" : image == png ? "png" : "bmp";
            for (int i = 0; i < 120; i++) {
                int length = random.nextInt(image.length);
                bad.add(new Bad(kind + " truncated at " + length, Arrays.copyOf(image, length)));
            }
            for (int i = 0; i < 150; i++) {
                byte[] flipped = image.clone();
                int flips = 1 + random.nextInt(32);
                for (int f = 0; f < flips; f++) {
                    int at = random.nextInt(flipped.length);
                    flipped[at] ^= (byte) (1 << random.nextInt(8));
                }
                bad.add(new Bad(kind + " with " + flips + " bit flips", flipped));
            }
            for (int i = 0; i < 30; i++) {
                byte[] header = Arrays.copyOf(image, Math.min(image.length, 2 + random.nextInt(64)));
                byte[] garbage = new byte[random.nextInt(20_000)];
                random.nextBytes(garbage);
                bad.add(new Bad(kind + " header then " + garbage.length + " random bytes", concat(header, garbage)));
            }
        }
        int[] sizes = {0, 1, 65_535, 65_536, 100_000, 1 << 20, Integer.MAX_VALUE};
        for (int w : sizes) {
            for (int h : sizes) {
                bad.add(new Bad("png declaring " + w + "x" + h, TestImages.pngHeader(w, h)));
                bad.add(new Bad("jpeg declaring " + w + "x" + h, jpegWithSize(jpeg, w, h)));
                bad.add(new Bad("bmp declaring " + w + "x" + h, bmpWithSize(bmp, w, h)));
            }
        }
        bad.add(new Bad("zero bytes", new byte[0]));
        for (int n = 1; n <= 8; n++) {
            bad.add(new Bad(n + " zero bytes", new byte[n]));
        }
        List<byte[]> otherFormats = List.of(
                TestImages.gif(),
                "GIF89a".getBytes(StandardCharsets.US_ASCII),
                new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0},
                new byte[] {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0},
                concat("RIFF\u0000\u0010\u0000\u0000WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), new byte[64]),
                "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII),
                "hello, this is text, not an image\n".getBytes(StandardCharsets.UTF_8),
                "{\"url\": \"http://127.0.0.1/a.jpg\"}".getBytes(StandardCharsets.UTF_8),
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100000\"/>".getBytes(StandardCharsets.UTF_8),
                new byte[] {0, 0, 1, 0, 1, 0, 16, 16}, // ICO
                new byte[] {0x1F, (byte) 0x8B, 8, 0}, // gzip
                new byte[] {'P', 'K', 3, 4}, // zip
                new byte[] {0, 0, 0, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A}, // JPEG 2000
                new byte[] {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f'}); // AVIF
        for (int i = 0; i < otherFormats.size(); i++) {
            bad.add(new Bad("other format #" + i, otherFormats.get(i)));
        }
        for (int i = 0; i < 60; i++) {
            byte[] noise = new byte[1 + random.nextInt(50_000)];
            random.nextBytes(noise);
            bad.add(new Bad("random " + noise.length + " bytes", noise));
        }
        return bad;
    }

    @Test
    void corpusOfBadImages_neverGets5xx_andAgentKeepsServing() {
        List<Bad> corpus = corpus();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(1000);
        long baseline = usedHeapAfterGc();
        TreeMap<Integer, Integer> statuses = new TreeMap<>();
        List<String> serverErrors = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            Bad bad = corpus.get(i);
            String contentType = i % 3 == 0 ? "image/jpeg" : "application/octet-stream";
            AgentClient.Answer answer = agent.client.post("/image", contentType, bad.body());
            statuses.merge(answer.status(), 1, Integer::sum);
            if (answer.status() >= 500) {
                serverErrors.add(bad.name() + " -> " + answer);
            }
            if (i % 200 == 0) {
                assertThat(agent.client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
            }
        }
        System.out.println("reliability corpus: " + corpus.size() + " bad images, answers by status " + statuses);

        assertThat(serverErrors).isEmpty();
        assertThat(agent.client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
        // loose bound: decoding buffers must not stay reachable after the corpus
        assertThat(usedHeapAfterGc()).isLessThan(baseline + 64L * 1024 * 1024);
    }

    @Test
    void wrongMethods_get405_withJson() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH", "OPTIONS")) {
            AgentClient.Answer answer = agent.client.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + agent.agent.port() + "/image"))
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(TestImages.appleJpeg())));
            assertThat(answer.status()).as(method + " " + answer).isEqualTo(405);
            assertThat(answer.json().get("error").asText()).isEqualTo("method_not_allowed");
        }
    }

    @Test
    void brokenMultipart_gets4xx() {
        byte[] apple = TestImages.appleJpeg();
        String boundary = "b0undary";
        List<byte[]> bodies = List.of(
                TestImages.multipart(boundary, "imageData", "a.jpg", apple, false),
                TestImages.multipart(boundary, "imageData", "a.jpg", new byte[0], true),
                TestImages.multipart(boundary, "imageData", "a.jpg", Arrays.copyOf(apple, 100), true),
                TestImages.multipart("other", "imageData", "a.jpg", apple, true),
                ("--" + boundary + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII),
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"imageData\"\r\n").getBytes(StandardCharsets.US_ASCII),
                new byte[0]);
        for (int i = 0; i < bodies.size(); i++) {
            for (String type : List.of("multipart/form-data; boundary=" + boundary, "multipart/form-data; boundary=",
                    "multipart/form-data; boundary=\"" + "x".repeat(200) + "\"", "multipart/mixed")) {
                AgentClient.Answer answer = agent.client.post("/image", type, bodies.get(i));
                assertThat(answer.status()).as("body " + i + " as " + type + ": " + answer).isBetween(400, 499);
            }
        }
    }

    @Test
    void hugeHeaders_neverGet5xx_andAgentKeepsServing() throws Exception {
        for (int size : new int[] {16 * 1024, 256 * 1024, 2 * 1024 * 1024}) {
            String header = "X-Big: " + "a".repeat(size) + "\r\n";
            String status = rawExchange(("POST /image HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header
                    + "Content-Type: image/jpeg\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd").getBytes(StandardCharsets.US_ASCII), 0);
            assertThat(status).as("header of " + size + " bytes").doesNotStartWith("HTTP/1.1 5");
        }
        StringBuilder many = new StringBuilder("POST /image HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (int i = 0; i < 5000; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        many.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(rawExchange(many.toString().getBytes(StandardCharsets.US_ASCII), 0)).doesNotStartWith("HTTP/1.1 5");
        assertThat(agent.client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
    }

    @Test
    void slowBodies_doNotStopGoodRequests_andGet4xxWhenIncomplete() throws Exception {
        ExecutorService slow = Executors.newFixedThreadPool(20);
        try {
            List<Future<String>> slowClients = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // promises 1,000 bytes, sends 20 of them one every 100 ms, then closes its sending side
                slowClients.add(slow.submit(() -> rawExchange(("POST /image HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII), 20)));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(agent.client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
            }
            for (Future<String> client : slowClients) {
                assertThat(client.get(30, TimeUnit.SECONDS)).doesNotStartWith("HTTP/1.1 5");
            }
        } finally {
            slow.shutdownNow();
        }
    }

    /**
     * A client that sends its headers and then nothing must be cut off by the server after a bounded
     * time, or a few hundred such connections hold the agent's sockets forever (slowloris). The JDK
     * HttpServer the agent runs on has no read timeout unless {@code sun.net.httpserver.maxReqTime} is
     * set, and the agent sets none.
     */
    @Test
    /** The edge-agent surefire run sets sun.net.httpserver.maxReqTime to 5 s, so this takes about 5 s, not 30. */
    void stalledBody_isCutOffByTheServer_withinThirtySeconds() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.agent.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /image HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/jpeg\r\n"
                    + "Content-Length: 1000\r\n\r\nab").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            int first;
            try {
                first = socket.getInputStream().read();
            } catch (SocketTimeoutException stillOpen) {
                throw new AssertionError("the server still holds the stalled connection after 30 s", stillOpen);
            } catch (IOException reset) {
                first = -1;
            }
            // either an answer (4xx) or the connection closed: both end the stall
            assertThat(first == -1 || first == 'H').isTrue();
        }
    }

    /** Sends {@code head}, then {@code slowBytes} bytes one every 100 ms; returns the status line ("" when closed). */
    private static String rawExchange(byte[] head, int slowBytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), agent.agent.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head);
                out.flush();
                for (int i = 0; i < slowBytes; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(100);
                }
                socket.shutdownOutput();
            } catch (IOException closedByServer) {
                // the server may answer and close before it has read everything
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            try {
                int b;
                while ((b = in.read()) != -1 && b != '\n') {
                    line.write(b);
                }
            } catch (IOException reset) {
                // closed without an answer: not a 5xx
            }
            return line.toString(StandardCharsets.US_ASCII).strip();
        }
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The JPEG with the height and width of its first SOFn segment replaced (16 bits each, so capped). */
    static byte[] jpegWithSize(byte[] jpeg, int width, int height) {
        byte[] out = jpeg.clone();
        for (int i = 2; i + 8 < out.length; ) {
            if ((out[i] & 0xFF) != 0xFF) {
                break;
            }
            int marker = out[i + 1] & 0xFF;
            int length = ((out[i + 2] & 0xFF) << 8) | (out[i + 3] & 0xFF);
            if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                int h = Math.min(height, 0xFFFF);
                int w = Math.min(width, 0xFFFF);
                out[i + 5] = (byte) (h >> 8);
                out[i + 6] = (byte) h;
                out[i + 7] = (byte) (w >> 8);
                out[i + 8] = (byte) w;
                return out;
            }
            i += 2 + length;
        }
        return out;
    }

    /** The BMP with the width and height of its info header replaced (signed 32-bit little-endian). */
    static byte[] bmpWithSize(byte[] bmp, int width, int height) {
        byte[] out = bmp.clone();
        ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(18, width).putInt(22, height);
        return out;
    }
}

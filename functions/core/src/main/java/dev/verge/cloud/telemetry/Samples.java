package dev.verge.cloud.telemetry;

import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code POST /api/samples}: keeps an image an edge agent captured for retraining at
 * {@code samples/<model>/<version>/<yyyy-mm-dd>/<device>/<sampleId>.<ext>} with a JSON sidecar. Sample ids
 * belong to their device (record key {@code <device>/<sampleId>}), so one device can neither overwrite nor
 * learn of another's samples. Idempotent on sampleId: the image and sidecar are written first and the
 * sample's record created last, so a retry after a failure writes them again and a retry after success
 * finds the record (even on another day, when the key would differ). A device may upload samples only of
 * versions it was sent within the retention window ({@link ReportWindow}), and at most its daily quota
 * ({@link SampleQuota}).
 */
public final class Samples {
    public static final String COLLECTION = "samples";
    private static final System.Logger LOG = System.getLogger(Samples.class.getName());
    private static final Pattern SAMPLE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{7,63}");
    private static final Map<String, String> EXTENSIONS = Map.of("image/jpeg", "jpg", "image/png", "png", "image/bmp", "bmp");

    /** Where a sample is; {@code created} false when the sampleId was stored before. */
    public record Stored(String key, boolean created) {}

    private final BlobStore blobs;
    private final JsonCollection<Sample> records;
    private final Clock clock;
    private final long maxBytes;
    private final Function<DeviceIdentity, ReportWindow> windows;
    private final SampleQuota quota;

    public Samples(BlobStore blobs, MetadataStore metadata, Clock clock, long maxBytes,
                   Function<DeviceIdentity, ReportWindow> windows, int perDeviceDailyCount, long perDeviceDailyBytes) {
        this.windows = windows;
        this.quota = new SampleQuota(metadata, perDeviceDailyCount, perDeviceDailyBytes);
        this.blobs = blobs;
        this.records = new JsonCollection<>(metadata, COLLECTION, Sample.class);
        this.clock = clock;
        this.maxBytes = maxBytes;
    }

    public Stored store(DeviceIdentity device, String mediaType, InputStream body, String model, String version,
                        String label, String probability, String sampleId) {
        String extension = mediaType == null ? null : EXTENSIONS.get(mediaType);
        if (extension == null) {
            throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "expected the image as the raw body with Content-Type image/jpeg, image/png or image/bmp, found "
                            + (mediaType == null ? "none" : mediaType));
        }
        if (model == null) {
            throw invalid("expected query parameter model, found nothing");
        }
        ModelNames.checkName(model);
        if (version == null) {
            throw invalid("expected query parameter version, found nothing");
        }
        ModelNames.checkVersion(version);
        if (sampleId == null || !SAMPLE_ID.matcher(sampleId).matches()) {
            throw invalid("expected query parameter sampleId as a UUID (8-64 letters, digits or '-'), found "
                    + (sampleId == null ? "nothing" : "\"" + ModelNames.printable(sampleId) + "\""));
        }
        if (label != null && label.length() > 256) {
            throw invalid("expected a label of at most 256 characters, found " + label.length());
        }
        Double p = probability(probability);
        String recordKey = device.deviceId() + "/" + sampleId;
        Optional<Sample> existing = records.get(recordKey).map(JsonCollection.Revisioned::value);
        if (existing.isPresent()) {
            return new Stored(existing.get().key(), false);
        }
        Instant now = clock.instant();
        windows.apply(device).check(model, version, now).ifPresent(refusal -> {
            LOG.log(System.Logger.Level.WARNING, "sample refused: " + refusal.reason());
            throw new VergeException(ErrorKind.FORBIDDEN, "device_forbidden", refusal.reason());
        });
        byte[] image = read(body);
        checkSignature(image, mediaType);
        quota.take(device.deviceId(), image.length, now);
        String folder = "samples/" + model + "/" + version + "/" + now.atZone(ZoneOffset.UTC).toLocalDate() + "/"
                + device.deviceId() + "/";
        String key = folder + sampleId + "." + extension;
        Sample sample = new Sample(sampleId, key, device.deviceId(), device.group(), model, version, label, p, mediaType,
                image.length, sha256(image), now);
        blobs.put(key, new ByteArrayInputStream(image), image.length, mediaType);
        byte[] sidecar = CloudJson.toBytes(sample);
        blobs.put(folder + sampleId + ".json", new ByteArrayInputStream(sidecar), sidecar.length, "application/json");
        if (records.create(recordKey, sample)) {
            return new Stored(key, true);
        }
        // a concurrent upload of the same sample won; keep its copy only
        Sample winner = records.get(recordKey).map(JsonCollection.Revisioned::value).orElse(sample);
        if (!winner.key().equals(key)) {
            blobs.delete(key);
            blobs.delete(folder + sampleId + ".json");
        }
        return new Stored(winner.key(), false);
    }

    private byte[] read(InputStream body) {
        try (body) {
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "sample_too_large",
                        "expected a sample image of at most " + maxBytes + " bytes, found more");
            }
            if (bytes.length == 0) {
                throw invalid("expected the image bytes as the body, found an empty body");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the sample body", e);
        }
    }

    private static void checkSignature(byte[] b, String mediaType) {
        boolean ok = switch (mediaType) {
            case "image/jpeg" -> b.length > 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
            case "image/png" -> b.length > 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
            case "image/bmp" -> b.length > 2 && b[0] == 'B' && b[1] == 'M';
            default -> false;
        };
        if (!ok) {
            throw invalid("expected " + mediaType + " bytes as the Content-Type says, found bytes that are not one");
        }
    }

    private static Double probability(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            double p = Double.parseDouble(text.strip());
            if (p >= 0 && p <= 1) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid("expected query parameter probability as a number from 0 to 1, found \"" + ModelNames.printable(text) + "\"");
    }

    private static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "sample_invalid", message);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

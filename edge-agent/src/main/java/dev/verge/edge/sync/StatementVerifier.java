package dev.verge.edge.sync;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.PackageSignature;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import dev.verge.wire.desired.SignedStatement;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Takes the cloud's signed desired state only when it is meant for this device, now, and not older than what
 * the device took before: a signature by a trusted key over the exact statement bytes, this device's id, an
 * expiry not passed (allowing {@code --max-clock-skew}), and a revision no lower than the highest taken (an
 * equal one must say the same). The highest revision is on the disk before the statement is acted on, so a
 * restart does not reopen the door to a replay. A refusal changes nothing: the agent serves on.
 */
final class StatementVerifier {
    private static final System.Logger LOG = System.getLogger(StatementVerifier.class.getName());

    private final String deviceId;
    private final List<PublicKey> configured;
    private final Duration maxClockSkew;
    private final StateStore store;
    private final Clock clock;
    private volatile TrustState trust;
    private volatile KeyRing keys;

    StatementVerifier(SyncSettings settings, StateStore store, Clock clock) {
        this.deviceId = settings.deviceId();
        this.configured = settings.trustedKeys();
        this.maxClockSkew = settings.maxClockSkew();
        this.store = store;
        this.clock = clock;
        this.trust = store.readTrust();
        this.keys = new KeyRing(configured, trust);
    }

    /** The keys trusted now; they change when a statement announces others. */
    KeyRing keys() {
        return keys;
    }

    /** The highest revision taken; 0 before the first. */
    long revision() {
        return trust.revision();
    }

    /** The statement in an answer of {@code GET /api/devices/{id}/desired}, checked; a {@link SyncException} otherwise. */
    DesiredStatement accept(byte[] body) {
        SignedStatement signed = envelope(body);
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(signed.statement());
        } catch (IllegalArgumentException e) {
            throw refused("statement_invalid", "the signed desired state's statement is not Base64: " + e.getMessage());
        }
        if (keys.signer(bytes, signed.signatures()).isEmpty()) {
            throw refused("statement_signature_invalid", "no signature of the desired state verifies with a trusted key"
                    + " (key ids " + keys.trustedIds() + ", --trusted-key and the keys the cloud announced); it was signed"
                    + " by another key (signatures by " + keyIds(signed) + ") or changed after it was signed");
        }
        DesiredStatement statement = statement(bytes);
        if (!deviceId.equals(statement.deviceId())) {
            throw refused("statement_wrong_device", "the desired state is for device " + printable(statement.deviceId())
                    + ", expected one for this device (" + deviceId + ")");
        }
        Instant now = clock.instant();
        Instant expires = time("expiresAt", statement.expiresAt());
        if (now.isAfter(expires.plus(maxClockSkew))) {
            throw refused("statement_expired", "the desired state (revision " + statement.revision() + ") expired at "
                    + expires + ", " + Duration.between(expires, now).toSeconds() + " s ago (clock skew allowed: "
                    + maxClockSkew.toSeconds() + " s); installing nothing new, serving on");
        }
        String digest = digest(statement);
        TrustState taken = trust;
        if (statement.revision() < taken.revision()) {
            throw refused("statement_replayed", "the desired state has revision " + statement.revision()
                    + ", expected " + taken.revision() + " or higher (the highest this device took): an older statement"
                    + " sent again");
        }
        if (statement.revision() == taken.revision()) {
            if (!digest.equals(taken.digest())) {
                throw refused("statement_conflict", "the desired state has revision " + statement.revision()
                        + ", which this device took already saying something else");
            }
            return statement;
        }
        DesiredState.of(statement); // a statement that makes no sense is refused before its revision counts
        KeyRing next = keys.announce(announcedKeys(statement));
        TrustState nextTrust = next.trust(statement.revision(), digest);
        store.writeTrust(nextTrust);
        trust = nextTrust;
        keys = next;
        return statement;
    }

    private static SignedStatement envelope(byte[] body) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body);
        } catch (JacksonException e) {
            throw invalid("the desired state is not the expected JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("the desired state cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("expected a JSON object as the desired state, found " + (root == null ? "nothing" : root.getNodeType()));
        }
        if (!root.hasNonNull("statement")) {
            if (root.has("deviceId")) {
                throw refused("statement_unsigned", "the cloud answered an unsigned desired state (protocol 1): this"
                        + " agent takes only signed ones (protocol " + DesiredStatement.PROTOCOL + "); upgrade the cloud first");
            }
            throw invalid("expected a signed desired state with \"statement\" and \"signatures\", found neither");
        }
        try {
            return Json.mapper().treeToValue(root, SignedStatement.class);
        } catch (JacksonException e) {
            throw invalid("the signed desired state is not the expected JSON: " + e.getOriginalMessage());
        }
    }

    private static DesiredStatement statement(byte[] bytes) {
        DesiredStatement statement;
        try {
            statement = Json.mapper().readValue(bytes, DesiredStatement.class);
        } catch (IOException e) {
            throw refused("statement_invalid", "the signed desired state is not the expected JSON: " + e.getMessage());
        }
        if (statement == null || !DesiredStatement.TYPE.equals(statement.type()) || statement.protocol() != DesiredStatement.PROTOCOL) {
            throw refused("statement_invalid", "expected a statement of type " + DesiredStatement.TYPE + ", protocol "
                    + DesiredStatement.PROTOCOL + ", found " + (statement == null ? "null" : "type " + printable(statement.type())
                    + ", protocol " + statement.protocol()));
        }
        return statement;
    }

    private static Instant time(String field, String text) {
        try {
            return Instant.parse(Objects.requireNonNull(text));
        } catch (DateTimeParseException | NullPointerException e) {
            throw refused("statement_invalid", "expected " + field + " as an ISO-8601 time, found " + printable(text));
        }
    }

    private static List<PublicKey> announcedKeys(DesiredStatement statement) {
        List<PublicKey> announced = new ArrayList<>();
        for (DesiredStatement.SigningKey key : statement.keys() == null ? List.<DesiredStatement.SigningKey>of() : statement.keys()) {
            try {
                announced.add(PackageSignature.publicKey(key.publicKey()));
            } catch (IllegalArgumentException | NullPointerException e) {
                LOG.log(System.Logger.Level.WARNING, "sync: the desired state announces a key that is not an Ed25519"
                        + " public key, ignored: " + e.getMessage());
            }
        }
        return announced;
    }

    /**
     * What the statement says, without what changes on every poll (times, URLs): equal revisions must agree on it,
     * model by model, default flag and shadow candidate included.
     */
    private static String digest(DesiredStatement s) {
        List<Object> what = new ArrayList<>(List.of(String.valueOf(s.deviceId()), String.valueOf(s.group())));
        for (ModelEntry m : s.models() == null ? List.<ModelEntry>of() : s.models()) {
            List<Object> entry = new ArrayList<>(List.of(String.valueOf(m.name()), String.valueOf(m.version()),
                    String.valueOf(m.sha256()), m.size(), m.deployment() == null ? "" : String.valueOf(m.deployment().id())));
            DesiredStatement.Shadow shadow = m.shadow();
            if (m.isDefault() != null || shadow != null) {
                // only then: a statement from a cloud before several models digests as it did, so the revision an agent
                // took before its upgrade is not a conflict after it
                entry.add(m.defaultModel());
                entry.add(shadow == null ? List.of() : List.of(String.valueOf(shadow.version()), String.valueOf(shadow.sha256()),
                        shadow.size(), shadow.percent()));
            }
            what.add(entry);
        }
        try {
            byte[] json = Json.mapper().writeValueAsBytes(what);
            return PackageSignature.hex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot digest the desired state", e);
        }
    }

    private static List<String> keyIds(SignedStatement signed) {
        return signed.signatures() == null ? List.of()
                : signed.signatures().stream().filter(Objects::nonNull).map(s -> printable(s.keyId())).limit(4).toList();
    }

    private static String printable(String text) {
        if (text == null) {
            return "none";
        }
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static SyncException refused(String code, String message) {
        return SyncException.refused(code, message);
    }

    private static SyncException invalid(String message) {
        return SyncException.transientFailure("cloud_answer_invalid", message);
    }
}

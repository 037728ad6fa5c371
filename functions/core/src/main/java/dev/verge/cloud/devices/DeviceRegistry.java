package dev.verge.cloud.devices;

import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Devices and their groups (a group is the name devices share; it exists while a device is in it),
 * their two keys, and what they last reported; and the check of a device's id and key that every device route
 * makes (either of the device's keys).
 */
public final class DeviceRegistry {
    private static final System.Logger LOG = System.getLogger(DeviceRegistry.class.getName());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    /** Compared against when the device id is unknown, so an unknown id takes as long as a wrong key. */
    private static final String NO_DEVICE_HASH = DeviceKeys.hash("no such device " + UUID.randomUUID());

    /** The index's marker in collection {@code store-migrations}: present once every device has its index entry. */
    private static final String INDEX_MARKER = "group-members-v1";

    private final JsonCollection<DeviceRecord> devices;
    private final ConditionalWrite<DeviceRecord> writes;
    private final JsonCollection<GroupMember> members;
    private final JsonCollection<Migration> migrations;
    private final Clock clock;
    /** Once the marker was seen: the process asks no more. */
    private volatile boolean indexed;

    /** A change to stored data that was carried out once, when it was. */
    record Migration(String name, Instant at) {
        static final String COLLECTION = "store-migrations";
    }

    public DeviceRegistry(MetadataStore metadata, Clock clock) {
        this.devices = new JsonCollection<>(metadata, DeviceRecord.COLLECTION, DeviceRecord.class);
        this.writes = new ConditionalWrite<>(devices);
        this.members = new JsonCollection<>(metadata, GroupMember.COLLECTION, GroupMember.class);
        this.migrations = new JsonCollection<>(metadata, Migration.COLLECTION, Migration.class);
        this.clock = clock;
    }

    /** Checks a device id or group name: 1 to 64 of letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static String checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new VergeException(ErrorKind.BAD_REQUEST, what + "_invalid",
                    "expected a " + what.replace('_', ' ') + " of 1 to 64 letters, digits, '.', '_' or '-' starting with a"
                            + " letter or digit, found " + (value == null ? "none" : "\"" + printable(value) + "\""));
        }
        return value;
    }

    private static String printable(String value) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    /** Creates a device with two fresh keys; 409 {@code device_exists} when the id is taken. {@code id} null: one is made up. */
    public DeviceCredentials create(String id, String group) {
        String deviceId = id == null ? "dev-" + UUID.randomUUID().toString().substring(0, 8) : checkName("device_id", id);
        checkName("group", group);
        if (!indexed) {
            if (migrations.get(INDEX_MARKER).isPresent()) {
                indexed = true;
            } else if (devices.page("", null, 1).records().isEmpty()) {
                // a store's first device: there is nothing to index, so no listing ever has to look for old devices
                markIndexed();
            }
        }
        String primary = DeviceKeys.generate();
        String secondary = DeviceKeys.generate();
        Instant now = clock.instant();
        DeviceRecord record = new DeviceRecord(deviceId, group, DeviceKeys.hash(primary), DeviceKeys.hash(secondary),
                now, now, now, null, null, null, null);
        if (!devices.create(deviceId, record)) {
            throw new VergeException(ErrorKind.CONFLICT, "device_exists",
                    "a device with id " + deviceId + " exists already; pick another id or rotate its keys with"
                            + " POST /api/devices/" + deviceId + "/keys/{primary|secondary}/rotate");
        }
        // after the device, so an entry always names a device; a device whose entry a crash lost is found by its id
        // and gets the entry when the index is rebuilt (delete the marker in store-migrations)
        members.create(GroupMember.key(group, deviceId), new GroupMember(group, deviceId));
        LOG.log(Level.INFO, () -> "device " + deviceId + " created in group " + group);
        return new DeviceCredentials(deviceId, group, primary, secondary, now);
    }

    /**
     * Replaces one key with a fresh one; the other key stays valid, so a device can move to the new
     * key while it still authenticates with the other. The old key of this slot is refused from now on.
     */
    public DeviceCredentials rotate(String id, KeySlot slot) {
        String fresh = DeviceKeys.generate();
        Instant now = clock.instant();
        DeviceRecord updated = modify(id, d -> d.withKey(slot, DeviceKeys.hash(fresh), now));
        LOG.log(Level.INFO, () -> "device " + id + ": " + slot.json() + " key rotated");
        return new DeviceCredentials(updated.id(), updated.group(),
                slot == KeySlot.PRIMARY ? fresh : null, slot == KeySlot.SECONDARY ? fresh : null, now);
    }

    public Optional<DeviceRecord> find(String id) {
        return devices.get(id).map(Revisioned::value);
    }

    /** 404 {@code device_not_found} when there is no such device. */
    public DeviceRecord require(String id) {
        checkName("device_id", id);
        return find(id).orElseThrow(() -> new VergeException(ErrorKind.NOT_FOUND, "device_not_found",
                "no device with id " + id + "; GET /api/devices lists the devices there are"));
    }

    public List<DeviceRecord> list() {
        return devices.list("").stream().map(Revisioned::value).toList();
    }

    /** The first {@code limit} devices, in id order. */
    public List<DeviceRecord> first(int limit) {
        return devices.page("", null, limit).records().stream().map(Revisioned::value).toList();
    }

    /**
     * The ids of a group's devices, in id order, from the group's index (one query of the group's entries);
     * empty when the group has none (a group exists only through its devices).
     */
    public List<String> idsInGroup(String group) {
        ensureIndexed();
        return members.list(GroupMember.prefix(group)).stream().map(m -> m.value().deviceId()).toList();
    }

    /** At most {@code limit} ids of a group's devices after id {@code after} (null: from the first), in id order. */
    public List<String> idsInGroup(String group, String after, int limit) {
        ensureIndexed();
        return members.page(GroupMember.prefix(group), after == null ? null : GroupMember.key(group, after), limit).records().stream()
                .map(m -> m.value().deviceId()).toList();
    }

    public DeviceView view(String id) {
        return DeviceView.of(require(id));
    }

    /** One page of a listing of devices; {@code next} is where the next page starts, null after the last. */
    public record Page(List<DeviceView> devices, String next) {}

    /** At most {@code limit} devices after id {@code after} (null: from the first), of {@code group} when given, in id order. */
    public Page views(Optional<String> group, String after, int limit) {
        if (group.isEmpty()) {
            JsonCollection.Page<DeviceRecord> page = devices.page("", after, limit);
            return new Page(page.records().stream().map(r -> DeviceView.of(r.value())).toList(), page.next());
        }
        checkName("group", group.get());
        ensureIndexed();
        JsonCollection.Page<GroupMember> page = members.page(GroupMember.prefix(group.get()),
                after == null ? null : GroupMember.key(group.get(), after), limit);
        List<DeviceView> views = page.records().stream().map(m -> find(m.value().deviceId())).flatMap(Optional::stream)
                .map(DeviceView::of).toList();
        return new Page(views, page.next() == null ? null : page.next().substring(GroupMember.prefix(group.get()).length()));
    }

    /** Devices registered before the index existed get their entries, once per store. */
    private void ensureIndexed() {
        if (indexed || migrations.get(INDEX_MARKER).isPresent()) {
            indexed = true;
            return;
        }
        for (DeviceRecord device : list()) {
            members.create(GroupMember.key(device.group(), device.id()), new GroupMember(device.group(), device.id()));
        }
        markIndexed();
        LOG.log(Level.INFO, "group index built for the devices stored before it");
    }

    private void markIndexed() {
        migrations.create(INDEX_MARKER, new Migration(INDEX_MARKER, clock.instant()));
        indexed = true;
    }

    /**
     * Stores a status report and adds it to the device's health for each deployment it takes part in ({@code parts})
     * when it does its part (serves that version, or runs it as a shadow); health for deployments it no longer takes
     * part in is dropped. A retried report (same {@code since}) is not counted twice.
     */
    public DeviceRecord recordStatus(String id, StatusReport report, List<DeviceHealth.Part> parts) {
        Instant now = clock.instant();
        return modify(id, d -> {
            List<DeviceHealth> health = new ArrayList<>();
            for (DeviceHealth.Part part : parts) {
                DeviceHealth kept = d.health().stream().filter(h -> h.isFor(part)).findFirst().orElseGet(() -> DeviceHealth.start(part));
                health.add(part.doneIn(report) ? kept.add(report, now) : kept);
            }
            return d.withStatus(report, health, now);
        });
    }

    /**
     * The revision of the signed desired state whose content has {@code digest}: the one the device was sent
     * last when nothing changed, else a new one, greater than every revision before it and than the time in
     * milliseconds, so revisions keep increasing even when a device is deleted and registered again (the
     * agent remembers the highest one it took and refuses anything lower).
     */
    public long desiredRevision(String id, String digest) {
        DeviceRecord current = require(id);
        if (current.desired() != null && current.desired().digest().equals(digest)) {
            return current.desired().revision();
        }
        Instant now = clock.instant();
        DeviceRecord updated = modify(id, d -> {
            if (d.desired() != null && d.desired().digest().equals(digest)) {
                return d;
            }
            long revision = Math.max(d.desired() == null ? 0 : d.desired().revision() + 1, now.toEpochMilli());
            return d.withDesired(new DeviceRecord.SentDesired(revision, digest, now));
        });
        return updated.desired().revision();
    }

    private DeviceRecord modify(String id, UnaryOperator<DeviceRecord> change) {
        checkName("device_id", id);
        return writes.update(id, change, failure -> failure == ConditionalWrite.Failure.MISSING
                ? new VergeException(ErrorKind.NOT_FOUND, "device_not_found", "no device with id " + id
                        + "; GET /api/devices lists the devices there are")
                : new IllegalStateException("could not update device " + id + ": another writer came first every time")).after();
    }

    // ---- authentication ------------------------------------------------------------------------

    /**
     * The device {@code id} whose primary or secondary key is {@code key}; 401 {@code device_unauthorized} when the id
     * is unknown or the key matches neither of its keys.
     */
    public DeviceIdentity authenticate(String id, String key) {
        Optional<DeviceRecord> device = NAME.matcher(id).matches() ? find(id) : Optional.empty();
        // both comparisons always run, so the time taken says neither which key nor how much of it matched
        boolean primary = DeviceKeys.matches(key, device.map(DeviceRecord::primaryKeyHash).orElse(NO_DEVICE_HASH));
        boolean secondary = DeviceKeys.matches(key, device.map(DeviceRecord::secondaryKeyHash).orElse(NO_DEVICE_HASH));
        if (device.isEmpty() || !(primary | secondary)) {
            throw unauthorized("the device id and key sent do not match a registered device and either of its keys");
        }
        return new DeviceIdentity(device.get().id(), device.get().group());
    }

    private static VergeException unauthorized(String message) {
        return new VergeException(ErrorKind.UNAUTHORIZED, "device_unauthorized", message);
    }
}

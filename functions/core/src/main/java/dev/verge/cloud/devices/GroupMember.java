package dev.verge.cloud.devices;

/**
 * A device's entry in its group's index, collection {@code group-members} under {@code <group>/<device id>}:
 * listing a group is one query of its own entries, never a scan of every device.
 */
record GroupMember(String group, String deviceId) {
    static final String COLLECTION = "group-members";

    static String key(String group, String deviceId) {
        return group + "/" + deviceId;
    }

    static String prefix(String group) {
        return group + "/";
    }
}

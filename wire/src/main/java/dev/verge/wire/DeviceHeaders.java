package dev.verge.wire;

/** The headers an edge agent authenticates with on every cloud call. */
public final class DeviceHeaders {
    public static final String DEVICE_ID = "X-Device-Id";
    public static final String DEVICE_KEY = "X-Device-Key";

    private DeviceHeaders() {}
}

package dev.verge.wire;

/** The headers an edge agent authenticates with on every cloud call, and the one it announces its protocol with. */
public final class DeviceHeaders {
    public static final String DEVICE_ID = "X-Device-Id";
    public static final String DEVICE_KEY = "X-Device-Key";
    /**
     * The desired-state protocol the agent speaks: {@code 2} asks for a signed statement. Agents that send
     * none speak protocol 1 (an unsigned answer with signed packages).
     */
    public static final String PROTOCOL = "X-Verge-Protocol";

    private DeviceHeaders() {}
}

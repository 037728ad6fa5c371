package dev.verge.cloud.devices;

/** A device whose key was checked ({@link DeviceRegistry#authenticate}), and the group it belongs to (null when in none). */
public record DeviceIdentity(String deviceId, String group) {}

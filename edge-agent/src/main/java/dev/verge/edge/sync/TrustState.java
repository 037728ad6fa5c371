package dev.verge.edge.sync;

import java.util.List;

/**
 * What {@code trust.json} keeps of the cloud's signed desired states, so neither a restart nor a replay can
 * take a device back: the highest revision taken and the digest of what it said (an equal revision must say
 * the same), the signing keys the cloud announced (trusted beside {@code --trusted-key}), and the keys it
 * announced before and no longer does, which only still vouch for packages already kept on disk.
 * Keys are Base64 X.509.
 */
record TrustState(long revision, String digest, List<String> announcedKeys, List<String> retiredKeys) {
    static final TrustState EMPTY = new TrustState(0, null, List.of(), List.of());

    TrustState {
        announcedKeys = announcedKeys == null ? List.of() : List.copyOf(announcedKeys);
        retiredKeys = retiredKeys == null ? List.of() : List.copyOf(retiredKeys);
    }
}

package com.microsoft.aad.msal4j;

import java.util.Map;

/**
 * The environment variables MSAL's managed identity sources read ({@code IDENTITY_ENDPOINT}, {@code IDENTITY_HEADER},
 * {@code MSI_ENDPOINT} ...), set for this test JVM: MSAL reads the process environment, which a test cannot
 * change, through a package-private seam that its own tests use. Lives in MSAL's package for that reason.
 */
public final class HostEnvironment {

    private HostEnvironment() {}

    /** From now on the managed identity credential sees {@code variables} as the host's environment. */
    public static void use(Map<String, String> variables) {
        Map<String, String> copy = Map.copyOf(variables);
        ManagedIdentityApplication.setEnvironmentVariables(copy::get);
    }
}

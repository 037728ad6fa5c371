package dev.verge.cloud.api;

/**
 * Who made a request, as far as authentication can tell: {@code api-key-1} for the first configured
 * key, {@code insecure-local} when keys are switched off, {@code anonymous} on public routes.
 */
public record Caller(String name) {
    public static final Caller ANONYMOUS = new Caller("anonymous");
    public static final Caller INSECURE_LOCAL = new Caller("insecure-local");
}

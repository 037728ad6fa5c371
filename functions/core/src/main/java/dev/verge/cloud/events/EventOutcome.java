package dev.verge.cloud.events;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What an event led to. */
public enum EventOutcome {
    /** A new version was recorded. */
    REGISTERED,
    /** A version was moved to the stage the event asked for. */
    PROMOTED,
    /** The version of a deleted image was archived. */
    ARCHIVED,
    /** The event asked for what is already so (the same push through two channels). */
    UNCHANGED,
    /** Nothing to do, with the reason (no rule, a ping, a branch update, an older event). */
    IGNORED,
    /** The event asked for something the registry refuses (a moved version tag, an invalid package). */
    REJECTED,
    /** Claimed by a delivery that is being handled. */
    PROCESSING;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static EventOutcome parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}

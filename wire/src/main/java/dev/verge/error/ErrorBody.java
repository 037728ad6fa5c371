package dev.verge.error;

/** The JSON body of every 4xx/5xx answer: {@code {"error": "<code>", "message": "<what to do>"}}. */
public record ErrorBody(String error, String message) {}

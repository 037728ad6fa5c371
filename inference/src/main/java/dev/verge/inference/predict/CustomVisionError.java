package dev.verge.inference.predict;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.verge.error.VergeException;
import java.util.Map;

/**
 * An error as the Custom Vision prediction API answers it ({@code CustomVisionError}: {@code code} one of the
 * service's {@code CustomVisionErrorCodes}, {@code message}), which its SDKs read, with Verge's own code kept beside it
 * in {@code error}, so that one body reads both ways.
 */
@JsonPropertyOrder({"code", "message", "error"})
public record CustomVisionError(String code, String message, String error) {
    /** Verge's codes on the prediction routes, by the Custom Vision code that says the same. */
    private static final Map<String, String> CODES = Map.ofEntries(
            Map.entry("image_unsupported_format", "BadRequestImageFormat"),
            Map.entry("image_corrupt", "BadRequestImageFormat"),
            Map.entry("image_empty", "BadRequestImageStream"),
            Map.entry("multipart_invalid", "BadRequestImageStream"),
            Map.entry("request_read_failed", "BadRequestImageStream"),
            Map.entry("request_body_unreadable", "BadRequestImageStream"),
            Map.entry("image_too_large", "BadRequestImageSizeBytes"),
            Map.entry("request_too_large", "BadRequestImageSizeBytes"),
            Map.entry("image_too_many_pixels", "BadRequestImageDimensions"),
            Map.entry("url_request_invalid", "BadRequestImageUrl"),
            Map.entry("url_invalid", "BadRequestImageUrl"),
            Map.entry("url_unreachable", "BadRequestImageUrl"),
            Map.entry("url_timeout", "BadRequestImageUrl"),
            Map.entry("url_too_many_redirects", "BadRequestImageUrl"),
            Map.entry("url_fetch_failed", "BadRequestImageUrl"),
            Map.entry("unsupported_media_type", "UnsupportedMediaType"),
            Map.entry("method_not_allowed", "BadRequestNotSupported"),
            Map.entry("model_not_ready", "ErrorPredictionServiceUnavailable"),
            Map.entry("busy", "ErrorPredictionServiceUnavailable"),
            Map.entry("shutting_down", "ErrorPredictionServiceUnavailable"),
            Map.entry("model_not_found", "NotFoundIteration"),
            Map.entry("model_version_not_found", "NotFoundIteration"),
            Map.entry("no_production_version", "NotFoundIteration"),
            Map.entry("internal_error", "ErrorPrediction"));

    public static CustomVisionError of(VergeException e) {
        return new CustomVisionError(code(e), e.getMessage(), e.code());
    }

    /** The Custom Vision code for {@code e}; by its kind when no code says more. */
    static String code(VergeException e) {
        String code = CODES.get(e.code());
        if (code != null) {
            return code;
        }
        return switch (e.kind()) {
            case BAD_REQUEST, UNPROCESSABLE, UPGRADE_REQUIRED -> "BadRequest";
            case UNAUTHORIZED, FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "NotFound";
            case METHOD_NOT_ALLOWED -> "BadRequestNotSupported";
            case CONFLICT -> "Conflict";
            case TOO_MANY_REQUESTS -> "TooManyRequests";
            case PAYLOAD_TOO_LARGE -> "BadRequestImageSizeBytes";
            case UNSUPPORTED_MEDIA_TYPE -> "UnsupportedMediaType";
            case NOT_READY, UPSTREAM_FAILED -> "ErrorPredictionServiceUnavailable";
            case INTERNAL -> "ErrorUnknown";
        };
    }
}

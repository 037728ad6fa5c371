package dev.verge.edge;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.edge.shadow.Shadows;
import dev.verge.edge.sync.CloudFallback;
import dev.verge.edge.sync.SyncException;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.json.Json;
import dev.verge.inference.predict.CustomVisionResponse;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.request.ImageRequestReader;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelNotReadyException;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POST /image} and {@code POST /url}, answered like the Custom Vision export container so
 * device code written for it works unchanged, on the container's path aliases too. With the cloud
 * fallback on, a request that finds no model is read as usual and then forwarded to the cloud; the
 * header {@code X-Verge-Served-By} says who answered ({@code edge} or {@code cloud}). The project segment of a path
 * ({@code /{project}/image}, the prediction API's project id) picks the model of that name ({@link ModelShelf}); plain
 * {@code /image} and {@code /url} answer with the default model. Any published name is taken.
 */
final class CustomVisionEndpoints {
    /** /image, /{project}/image, /{project}/classify/iterations/{name}/image, each also with /nostore. */
    static final Pattern IMAGE_PATHS = aliases("image");
    static final Pattern URL_PATHS = aliases("url");
    /**
     * What the Custom Vision prediction SDKs build from an endpoint (C#, Python, Java, Go, JavaScript; v3.0 and v3.1,
     * "prediction" or "Prediction"): {@code /customvision/v3.1/prediction/{projectId}/classify/iterations/{publishedName}/image}.
     */
    static final Pattern PREDICTION_API_IMAGE_PATHS = predictionApi("image");
    static final Pattern PREDICTION_API_URL_PATHS = predictionApi("url");
    /** The path parameter of these patterns that names the model (absent on plain /image and /url). */
    static final List<String> PARAMS = List.of("project");
    static final String SERVED_BY_HEADER = "X-Verge-Served-By";

    private static final long URL_REQUEST_MAX_BYTES = 64 * 1024;
    /** What /url accepts: JSON, and what curl -d and hand-written clients send for it. */
    private static final Set<String> URL_MEDIA_TYPES = Set.of(
            "", "application/json", "text/json", "text/plain", ImageRequestReader.CURL_DEFAULT_TYPE);

    private final ModelShelf models;
    private final InferenceGate gate;
    private final UploadBudget uploads;
    private final ImageLimits limits;
    private final UrlImageFetcher fetcher;
    private final AgentMetrics metrics;
    private final PredictionListener listener;
    private final CloudFallback fallback; // null when off
    private final boolean keepTinyPredictions;
    private final Shadows shadows;

    CustomVisionEndpoints(ModelShelf models, InferenceGate gate, UploadBudget uploads, ImageLimits limits, UrlImageFetcher fetcher,
            AgentMetrics metrics, PredictionListener listener, CloudFallback fallback, boolean keepTinyPredictions,
            Shadows shadows) {
        this.models = models;
        this.shadows = shadows;
        this.gate = gate;
        this.uploads = uploads;
        this.limits = limits;
        this.fetcher = fetcher;
        this.metrics = metrics;
        this.listener = listener;
        this.fallback = fallback;
        this.keepTinyPredictions = keepTinyPredictions;
    }

    Reply image(Request request) throws IOException {
        Attempt attempt = new Attempt("image");
        try {
            return attempt.succeeded(image(request, attempt));
        } catch (VergeException e) {
            throw attempt.failed(e);
        } catch (RuntimeException e) {
            throw attempt.failedUnexpectedly(e);
        }
    }

    Reply url(Request request) throws IOException {
        Attempt attempt = new Attempt("url");
        try {
            return attempt.succeeded(url(request, attempt));
        } catch (VergeException e) {
            throw attempt.failed(e);
        } catch (RuntimeException e) {
            throw attempt.failedUnexpectedly(e);
        }
    }

    private Reply image(Request request, Attempt attempt) throws IOException {
        try (UploadBudget.Reservation room = uploads.reserve(request.contentLength().orElse(-1));
             ModelSlot.Lease lease = leaseOrFallback(request)) {
            attempt.model = lease == null ? null : lease.model().info();
            attempt.image = ImageRequestReader.readPredictionBody(
                    request.contentType(), request.contentLength().orElse(-1), request.body(), limits);
            return lease == null ? forward(attempt, request) : predict(lease, attempt, request);
        }
    }

    private Reply url(Request request, Attempt attempt) throws IOException {
        String mediaType = BodyLimits.mediaType(request.contentType());
        if (!URL_MEDIA_TYPES.contains(mediaType) && !mediaType.endsWith("+json")) {
            throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                    "POST /url expects Content-Type application/json with {\"url\": \"http://...\"}, found " + request.contentType());
        }
        try (ModelSlot.Lease lease = leaseOrFallback(request)) {
            attempt.model = lease == null ? null : lease.model().info();
            String url = imageUrl(BodyLimits.readAtMost(request, URL_REQUEST_MAX_BYTES, "the JSON body of POST /url"));
            try (UploadBudget.Reservation room = uploads.reserve(-1)) {
                attempt.image = fetcher.fetch(url);
                return lease == null ? forward(attempt, request) : predict(lease, attempt, request);
            }
        }
    }

    /**
     * A lease on the model the path names (the default on plain paths); null when the cloud fallback answers instead:
     * that model is not loaded (yet) and the desired state names it (else the usual 503, or 404 for a name that picks
     * no model).
     */
    private ModelSlot.Lease leaseOrFallback(Request request) {
        String name = request.pathParam("project");
        if (fallback != null && name != null && !models.holds(name) && fallback.names(name)) {
            return null; // a model of the desired state this agent has not loaded (yet): the cloud answers for it
        }
        try {
            return models.acquire(name);
        } catch (ModelNotReadyException e) {
            if (fallback == null || !models.picksDefault(name)) {
                throw e;
            }
            return null;
        }
    }

    /** The cloud's answer for the model the path names, or the usual 503 saying why the cloud could not give one. */
    private Reply forward(Attempt attempt, Request request) {
        String name = request.pathParam("project");
        CloudFallback.Answer answer;
        try {
            answer = fallback.predict(name != null && fallback.names(name) ? name : null, attempt.image);
        } catch (SyncException e) {
            throw new VergeException(ErrorKind.NOT_READY, "model_not_ready", "no model is loaded yet and the cloud fallback"
                    + " failed: " + e.getMessage() + " (" + e.code() + "); retry when /v2/health/ready answers 200", e);
        }
        attempt.errorCode = answer.errorCode();
        Reply reply = new Reply(answer.status(), Reply.JSON, answer.body()).withHeader(SERVED_BY_HEADER, "cloud");
        return answer.modelVersion() == null ? reply : reply.withHeader(CloudFallback.MODEL_VERSION_HEADER, answer.modelVersion());
    }

    private Reply predict(ModelSlot.Lease lease, Attempt attempt, Request request) {
        byte[] image = attempt.image;
        Prediction prediction = gate.run(() -> lease.model().predict(image, limits));
        metrics.predicted(prediction.timings());
        attempt.prediction = prediction;
        ModelInfo served = lease.model().info();
        // the candidate runs once the answer is on its way, never before: it cannot delay or change it
        request.afterAnswer(() -> shadows.offer(served, image, prediction));
        return Reply.ok(CustomVisionResponse.of(prediction, lease.model().info(), keepTinyPredictions))
                .withHeader(SERVED_BY_HEADER, "edge")
                .withHeader(CloudFallback.MODEL_VERSION_HEADER, lease.model().info().version());
    }

    /** What one request got to before it was answered, for the {@link PredictionListener}. */
    private final class Attempt {
        private final Instant time = Instant.now();
        private final String route;
        private ModelInfo model;
        private byte[] image;
        private Prediction prediction;
        private String errorCode; // of an answer the cloud gave

        Attempt(String route) {
            this.route = route;
        }

        Reply succeeded(Reply reply) {
            listener.onPrediction(new PredictionEvent(time, route, model, prediction, reply.status(), errorCode, image));
            return reply;
        }

        VergeException failed(VergeException e) {
            listener.onPrediction(new PredictionEvent(time, route, model, null, e.kind().httpStatus(), e.code(), image));
            return e;
        }

        /** The model failed to run (the Router logs it and answers 500 internal_error): an error the status report counts. */
        RuntimeException failedUnexpectedly(RuntimeException e) {
            listener.onPrediction(new PredictionEvent(time, route, model, null, 500, "internal_error", image));
            return e;
        }
    }

    private static String imageUrl(byte[] body) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(body);
        } catch (IOException e) {
            String problem = e instanceof JacksonException parse ? parse.getOriginalMessage() : e.getMessage();
            throw badUrlRequest("but the body is not valid JSON (" + problem + ")");
        }
        if (json == null || json.isMissingNode()) {
            throw badUrlRequest("found an empty body");
        }
        JsonNode url = urlField(json);
        if (url == null || !url.isTextual() || url.asText().isBlank()) {
            throw badUrlRequest("found " + abbreviate(json.toString()));
        }
        return url.asText();
    }

    /** {@code url}, or {@code Url} as the REST reference and the C# SDK write it. */
    private static JsonNode urlField(JsonNode json) {
        for (var it = json.fields(); it.hasNext(); ) {
            var field = it.next();
            if (field.getKey().equalsIgnoreCase("url")) {
                return field.getValue();
            }
        }
        return null;
    }

    private static VergeException badUrlRequest(String found) {
        return new VergeException(ErrorKind.BAD_REQUEST, "url_request_invalid",
                "expected a JSON body {\"url\": \"http://...\"}, " + found);
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    private static Pattern predictionApi(String action) {
        return Pattern.compile("(?i)/customvision/v3\\.[01]/prediction/(?<project>[^/]+)/(classify|detect)/iterations/[^/]+/"
                + action + "(/nostore)?");
    }

    private static Pattern aliases(String action) {
        return Pattern.compile("(/(?<project>[^/]+)(/(classify|detect)/iterations/[^/]+)?)?/" + action + "(/nostore)?");
    }
}

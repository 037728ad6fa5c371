package dev.verge.inference.runtime;

import dev.verge.inference.detect.OutputTensor;
import dev.verge.inference.image.DecodedImage;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.predict.OipV2;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Open Inference Protocol v2 of one {@link Model}: an infer request read by {@link OipInfer}, run, and answered in
 * the v2 wire format ({@link OipV2}); the model's metadata. Classifiers answer their probabilities; detectors their raw
 * output tensors, as KServe and Triton do.
 */
final class OipEndpoint {
    private final Model model;

    OipEndpoint(Model model) {
        this.model = model;
    }

    OipV2.InferResponse infer(OipV2.InferRequest request, ImageLimits limits) {
        if (model.detectionHead() != null) {
            return inferRaw(request, limits);
        }
        OipInfer.Input input = OipInfer.read(request, model.info(), model.dynamicBatch(), limits);
        float[] probabilities;
        long batch;
        if (input.image() != null) {
            batch = 1;
            DecodedImage decoded = ImageDecoder.decode(input.image(), limits, model.preprocessor().resolutionNeed());
            FloatBuffer buffer = model.buffers().take();
            try {
                model.preprocessor().write(decoded, buffer);
                probabilities = model.postprocess(model.run(buffer, model.preprocessor().shape()), 0, model.labelCount());
            } finally {
                model.buffers().give(buffer);
            }
        } else {
            batch = input.shape()[0];
            FloatBuffer buffer = batch == 1 ? model.buffers().take() : BufferPool.allocate(input.elementCount());
            try {
                input.writeTo(buffer);
                float[] scores = model.run(buffer, input.shape());
                probabilities = new float[scores.length];
                int k = model.labelCount();
                for (int row = 0; row < batch; row++) {
                    System.arraycopy(model.postprocess(scores, row * k, k), 0, probabilities, row * k, k);
                }
            } finally {
                if (batch == 1) {
                    model.buffers().give(buffer);
                }
            }
        }
        return new OipV2.InferResponse(model.info().name(), model.info().version(), request.id(),
                List.of(new OipV2.ResponseTensor(model.info().outputName(), new long[] {batch, model.labelCount()}, OipV2.FP32,
                        probabilities)));
    }

    /**
     * A detector over OIP v2 answers its raw output tensors (as KServe and Triton do), for a tensor or an image
     * input; the decoded boxes are the Custom Vision answer's.
     */
    private OipV2.InferResponse inferRaw(OipV2.InferRequest request, ImageLimits limits) {
        OipInfer.Input input = OipInfer.read(request, model.info(), model.dynamicBatch(), limits, model.detectionHead().outputNames(),
                model.preprocessor().isDynamicSize() ? model.manifest().input().maxSide() : 0);
        FloatBuffer buffer = null;
        boolean pooled = false;
        try {
            long[] shape;
            if (input.image() != null) {
                DecodedImage decoded = ImageDecoder.decode(input.image(), limits, model.preprocessor().resolutionNeed());
                buffer = model.buffers().take();
                pooled = true;
                shape = model.preprocessor().shape(model.preprocessor().write(decoded, buffer));
            } else {
                pooled = input.elementCount() <= model.preprocessor().elementCount();
                buffer = pooled ? model.buffers().take() : BufferPool.allocate(input.elementCount());
                input.writeTo(buffer);
                shape = input.shape();
            }
            Map<String, OutputTensor> outputs = model.runAll(buffer, shape, model.detectionHead().outputNames());
            List<OipV2.ResponseTensor> tensors = new ArrayList<>();
            for (OutputTensor out : outputs.values()) {
                tensors.add(new OipV2.ResponseTensor(out.name(), out.shape(), OipV2.FP32, out.values()));
            }
            return new OipV2.InferResponse(model.info().name(), model.info().version(), request.id(), tensors);
        } finally {
            if (pooled) {
                model.buffers().give(buffer);
            }
        }
    }

    /** {@code GET /v2/models/{name}}: the input as the model takes it, every output it gives (-1: dynamic). */
    OipV2.MetadataResponse metadata() {
        if (model.detectionHead() == null) {
            return OipV2.metadata(model.info());
        }
        List<OipV2.TensorMetadata> outputs = new ArrayList<>();
        for (String name : model.detectionHead().outputNames()) {
            outputs.add(new OipV2.TensorMetadata(name, OipV2.FP32, model.outputShape(name)));
        }
        return new OipV2.MetadataResponse(model.info().name(), List.of(model.info().version()), OipV2.PLATFORM,
                List.of(new OipV2.TensorMetadata(model.info().inputName(), OipV2.FP32, model.info().inputShape())), outputs);
    }
}

package dev.verge.inference.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.predict.OipV2;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/** Reads an Open Inference Protocol v2 infer request into a tensor or an image, with 400s that say what was expected. */
final class OipInfer {
    static final int MAX_BATCH = 64;

    /**
     * Either {@code image} (BYTES) or FP32 numbers with their validated {@code shape}: in JSON {@code data}, or as the
     * binary data extension's little-endian {@code binary}.
     */
    record Input(byte[] image, JsonNode data, byte[] binary, long[] shape) {
        int elementCount() {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            return Math.toIntExact(count);
        }

        /** Writes the numbers into {@code buffer}; 400 when their count does not match the shape. */
        void writeTo(FloatBuffer buffer) {
            int count = elementCount();
            if (binary != null) {
                buffer.put(0, ByteBuffer.wrap(binary).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), 0, count);
                return;
            }
            int written = flatten(data, buffer, count);
            if (written != count) {
                throw OipV2.invalid("inputs[0].data: expected " + count + " numbers for shape " + Arrays.toString(shape)
                        + ", found " + written);
            }
        }
    }

    private OipInfer() {}

    static Input read(OipV2.InferRequest request, ModelInfo info, boolean dynamicBatch, ImageLimits limits) {
        return read(request, info, dynamicBatch, limits, List.of(info.outputName()), 0);
    }

    /**
     * {@code outputNames}: the outputs a client may ask for. {@code maxSide}: for inputs whose sides follow the picture
     * (-1 in {@code info.inputShape()}), the largest side accepted.
     */
    static Input read(OipV2.InferRequest request, ModelInfo info, boolean dynamicBatch, ImageLimits limits,
                      List<String> outputNames, int maxSide) {
        if (request == null || request.inputs() == null || request.inputs().size() != 1) {
            int found = request == null || request.inputs() == null ? 0 : request.inputs().size();
            throw OipV2.invalid("inputs: expected exactly one tensor named \"" + info.inputName() + "\", found " + found);
        }
        if (request.outputs() != null) {
            for (int i = 0; i < request.outputs().size(); i++) {
                OipV2.RequestOutput output = request.outputs().get(i);
                if (output == null || !outputNames.contains(output.name())) {
                    throw OipV2.invalid("outputs[" + i + "].name: expected " + (outputNames.size() == 1
                            ? quote(outputNames.get(0)) : "one of " + outputNames) + ", found "
                            + (output == null ? "null" : quote(output.name())));
                }
            }
        }
        OipV2.RequestTensor tensor = request.inputs().get(0);
        if (tensor == null || !info.inputName().equals(tensor.name())) {
            throw OipV2.invalid("inputs[0].name: expected \"" + info.inputName() + "\", found "
                    + (tensor == null ? "null" : quote(tensor.name())));
        }
        String datatype = tensor.datatype() == null ? "" : tensor.datatype().toUpperCase(Locale.ROOT);
        return switch (datatype) {
            case OipV2.FP32 -> fp32(tensor, info, dynamicBatch, maxSide);
            case OipV2.BYTES -> bytes(tensor, limits);
            default -> throw OipV2.invalid("inputs[0].datatype: expected FP32 (a tensor of shape "
                    + Arrays.toString(info.inputShape()) + ") or BYTES (one base64-encoded JPEG, PNG or BMP image), found "
                    + quote(tensor.datatype()));
        };
    }

    private static Input fp32(OipV2.RequestTensor tensor, ModelInfo info, boolean dynamicBatch, int maxSide) {
        long[] expected = info.inputShape();
        long[] shape = tensor.shape();
        List<String> notes = new java.util.ArrayList<>();
        if (dynamicBatch) {
            notes.add("batch 1 to " + MAX_BATCH);
        }
        if (maxSide > 0) {
            notes.add("-1: a side from 1 to " + maxSide);
        }
        String expectation = "expected " + Arrays.toString(expected)
                + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
        if (shape == null || shape.length != expected.length) {
            throw OipV2.invalid("inputs[0].shape: " + expectation + ", found " + Arrays.toString(shape));
        }
        boolean batchOk = shape[0] == 1 || (dynamicBatch && shape[0] >= 1 && shape[0] <= MAX_BATCH);
        boolean restOk = true;
        for (int i = 1; i < shape.length; i++) {
            restOk &= expected[i] < 0 ? shape[i] >= 1 && shape[i] <= maxSide : shape[i] == expected[i];
        }
        if (!batchOk || !restOk) {
            throw OipV2.invalid("inputs[0].shape: " + expectation + ", found " + Arrays.toString(shape));
        }
        if (tensor.binary() != null) {
            long count = 1;
            for (long d : shape) {
                count *= d;
            }
            if (tensor.binary().length != count * Float.BYTES) {
                throw OipV2.invalid("inputs[0].parameters.binary_data_size: expected " + count * Float.BYTES + " bytes ("
                        + count + " FP32 values of shape " + Arrays.toString(shape) + ", 4 bytes each), found "
                        + tensor.binary().length);
            }
        }
        return new Input(null, tensor.data(), tensor.binary(), shape.clone());
    }

    /** Writes the numbers of a flat or nested JSON array; stops counting at {@code max} + 1. */
    private static int flatten(JsonNode data, FloatBuffer out, long max) {
        if (data == null || !data.isArray()) {
            throw OipV2.invalid("inputs[0].data: expected an array of numbers, found "
                    + (data == null ? "nothing" : data.getNodeType().toString().toLowerCase(Locale.ROOT)));
        }
        int count = 0;
        Deque<java.util.Iterator<JsonNode>> stack = new ArrayDeque<>();
        stack.push(data.elements());
        while (!stack.isEmpty()) {
            java.util.Iterator<JsonNode> it = stack.peek();
            if (!it.hasNext()) {
                stack.pop();
                continue;
            }
            JsonNode node = it.next();
            if (node.isArray()) {
                if (stack.size() > 8) {
                    throw OipV2.invalid("inputs[0].data: arrays nested deeper than the tensor's dimensions");
                }
                stack.push(node.elements());
            } else if (node.isNumber()) {
                if (count >= max) {
                    return count + 1;
                }
                out.put(count++, node.floatValue());
            } else {
                throw OipV2.invalid("inputs[0].data: expected numbers, found " + node.getNodeType().toString()
                        .toLowerCase(Locale.ROOT) + " at element " + count);
            }
        }
        return count;
    }

    private static Input bytes(OipV2.RequestTensor tensor, ImageLimits limits) {
        if (tensor.binary() != null) {
            return new Input(binaryElement(tensor.binary(), limits), null, null, null);
        }
        JsonNode data = tensor.data();
        while (data != null && data.isArray() && data.size() == 1) {
            data = data.get(0);
        }
        if (data == null || !data.isTextual()) {
            throw OipV2.invalid("inputs[0].data: expected one base64-encoded JPEG, PNG or BMP image (a string), found "
                    + (data == null ? "nothing" : data.isArray() ? data.size() + " elements" : data.getNodeType()
                    .toString().toLowerCase(Locale.ROOT)));
        }
        String text = data.textValue();
        int comma = text.startsWith("data:") ? text.indexOf(',') : -1;
        if (comma >= 0) {
            text = text.substring(comma + 1);
        }
        if ((long) text.length() * 3 / 4 > limits.maxBytes() + 3) {
            throw ImageDecoder.tooLarge((long) text.length() * 3 / 4, limits);
        }
        byte[] image;
        try {
            image = Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw OipV2.invalid("inputs[0].data: expected base64 (RFC 4648), found invalid characters: " + e.getMessage());
        }
        return new Input(image, null, null, null);
    }

    /** The one element of a binary BYTES tensor: a 4-byte little-endian length, then that many bytes. */
    private static byte[] binaryElement(byte[] binary, ImageLimits limits) {
        if (binary.length < 4) {
            throw OipV2.invalid("inputs[0]: a binary BYTES tensor starts with each element's 4-byte little-endian length,"
                    + " found " + binary.length + " bytes in all");
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(binary).order(ByteOrder.LITTLE_ENDIAN).getInt(0));
        if (length != binary.length - 4L) {
            throw OipV2.invalid("inputs[0]: expected one image, its 4-byte length then its bytes (" + (binary.length - 4)
                    + " here), found a length of " + length);
        }
        if (length > limits.maxBytes()) {
            throw ImageDecoder.tooLarge(length, limits);
        }
        return Arrays.copyOfRange(binary, 4, binary.length);
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}

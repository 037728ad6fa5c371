package dev.verge.inference.pkg;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The top-level fields of an ONNX {@code ModelProto} that ONNX Runtime's Java API does not expose: IR version,
 * opset imports and producer. A tiny protobuf reader (varints and skipped fields), so the runtime path does not
 * need the ONNX protobuf classes. Reading it also tells a real ONNX file from something else.
 *
 * @param opsets domain ("" is the default ai.onnx domain) to opset version
 */
public record OnnxModelHeader(long irVersion, Map<String, Long> opsets, String producerName) {
    private static final int IR_VERSION = 1;
    private static final int PRODUCER_NAME = 2;
    private static final int GRAPH = 7;
    private static final int OPSET_IMPORT = 8;
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int MAX_SMALL_FIELD = 1 << 20;

    public OnnxModelHeader {
        opsets = Map.copyOf(opsets);
    }

    /** The opset of the default domain (ai.onnx), or 0 when the model does not import it. */
    public long defaultOpset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? 0 : v;
    }

    /** Reads the header of {@code file}; throws {@link PackageInvalidException} when it is not an ONNX model. */
    public static OnnxModelHeader read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            return read(in, Files.size(file), file.getFileName().toString());
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read " + file.getFileName() + ": "
                    + dev.verge.error.ServerPaths.hide(e.getMessage(), file.getParent()), e);
        }
    }

    static OnnxModelHeader read(InputStream in, long size, String fileName) throws IOException {
        ProtoReader reader = new ProtoReader(in, size);
        long irVersion = 0;
        String producer = "";
        boolean graph = false;
        Map<String, Long> opsets = new LinkedHashMap<>();
        try {
            while (reader.hasMore()) {
                long tag = reader.varint();
                int field = (int) (tag >>> 3);
                int wireType = (int) (tag & 7);
                if (field == 0) {
                    throw new NotOnnx("field number 0");
                }
                if (field == IR_VERSION && wireType == 0) {
                    irVersion = reader.varint();
                } else if (field == PRODUCER_NAME && wireType == 2) {
                    producer = new String(reader.bytes(MAX_SMALL_FIELD), StandardCharsets.UTF_8);
                } else if (field == GRAPH && wireType == 2) {
                    reader.skip(reader.length());
                    graph = true;
                } else if (field == OPSET_IMPORT && wireType == 2) {
                    readOpset(new ProtoReader(reader.bytes(MAX_SMALL_FIELD)), opsets);
                } else {
                    reader.skipField(wireType);
                }
            }
        } catch (NotOnnx | EOFException e) {
            throw notOnnx(fileName, e.getMessage());
        }
        if (irVersion <= 0 || !graph) {
            throw notOnnx(fileName, irVersion <= 0 ? "no ir_version field" : "no graph");
        }
        return new OnnxModelHeader(irVersion, opsets, producer);
    }

    private static void readOpset(ProtoReader reader, Map<String, Long> opsets) throws IOException {
        String domain = "";
        long version = 0;
        while (reader.hasMore()) {
            long tag = reader.varint();
            int field = (int) (tag >>> 3);
            int wireType = (int) (tag & 7);
            if (field == OPSET_DOMAIN && wireType == 2) {
                domain = new String(reader.bytes(MAX_SMALL_FIELD), StandardCharsets.UTF_8);
            } else if (field == OPSET_VERSION && wireType == 0) {
                version = reader.varint();
            } else {
                reader.skipField(wireType);
            }
        }
        opsets.put(domain, version);
    }

    private static PackageInvalidException notOnnx(String fileName, String detail) {
        return new PackageInvalidException(fileName + " is not an ONNX model (expected a protobuf ModelProto with"
                + " ir_version, opset_import and graph; " + detail + "); export the model to ONNX first");
    }

    private static final class NotOnnx extends IOException {
        NotOnnx(String message) {
            super(message);
        }
    }

    /** Just enough protobuf wire format: varints, lengths, skipping. */
    private static final class ProtoReader {
        private final InputStream in;
        private final long size;
        private long position;

        ProtoReader(InputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        ProtoReader(byte[] bytes) {
            this(new java.io.ByteArrayInputStream(bytes), bytes.length);
        }

        boolean hasMore() {
            return position < size;
        }

        long varint() throws IOException {
            long result = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                result |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    return result;
                }
            }
            throw new NotOnnx("malformed varint at byte " + position);
        }

        long length() throws IOException {
            long length = varint();
            if (length < 0 || length > size - position) {
                throw new NotOnnx("field length " + length + " runs past the end of the file at byte " + position);
            }
            return length;
        }

        byte[] bytes(int max) throws IOException {
            long length = length();
            if (length > max) {
                throw new NotOnnx("header field of " + length + " bytes is implausibly large");
            }
            byte[] out = in.readNBytes((int) length);
            if (out.length != length) {
                throw new EOFException("unexpected end of file");
            }
            position += length;
            return out;
        }

        void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException("unexpected end of file");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
            position += n;
        }

        void skipField(int wireType) throws IOException {
            switch (wireType) {
                case 0 -> varint();
                case 1 -> skip(8);
                case 2 -> skip(length());
                case 5 -> skip(4);
                default -> throw new NotOnnx("unexpected protobuf wire type " + wireType + " at byte " + position);
            }
            if (position > size) {
                throw new EOFException("unexpected end of file");
            }
        }

        private int read() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("unexpected end of file");
            }
            position++;
            return b;
        }
    }
}

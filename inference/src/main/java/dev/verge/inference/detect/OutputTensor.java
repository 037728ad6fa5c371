package dev.verge.inference.detect;

import java.util.Arrays;

/** One model output read into Java: its shape and its values as floats (integer class ids converted). */
public record OutputTensor(String name, long[] shape, float[] values) {

    /** The product of every dimension before the last {@code trailing} ones (the batch, which must be 1). */
    long leading(int trailing) {
        long product = 1;
        for (int i = 0; i < shape.length - trailing; i++) {
            product *= shape[i];
        }
        return product;
    }

    long dim(int fromEnd) {
        return shape.length >= fromEnd ? shape[shape.length - fromEnd] : 1;
    }

    String describe() {
        return "output \"" + name + "\" has shape " + Arrays.toString(shape);
    }
}

package dev.verge.inference.turbojpeg;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.image.JpegMarkers;
import dev.verge.inference.image.RgbImage;
import dev.verge.inference.image.ScaledJpegDecoder;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * JPEG decoding with libjpeg-turbo's TurboJPEG API (the 2.x functions, also in 3.x), called through the Foreign
 * Function and Memory API. The library scales in the DCT domain, so a 12 MP photo decoded at 1/8 costs about
 * what a 1.5 MP one does, and its buffers follow the output size. The library comes from the system
 * ({@code libturbojpeg0} on Debian and Raspberry Pi OS) or {@code -Dverge.turbojpeg.library=<path>}.
 */
public final class TurboJpegDecoder implements ScaledJpegDecoder {
    private static final int TJPF_RGB = 0;
    private static final int TJPF_CMYK = 11;
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJERR_WARNING = 0;
    private static final String[] LIBRARY_NAMES = {"libturbojpeg.so.0", "libturbojpeg.so", "libturbojpeg.dylib",
            "turbojpeg.dll"};

    private final String library;
    private final MethodHandle initDecompress;
    private final MethodHandle decompressHeader3;
    private final MethodHandle decompress2;
    private final MethodHandle errorString2;
    private final MethodHandle errorCode;
    private final MethodHandle destroy;
    /** A TurboJPEG handle is not thread-safe: each decode takes one, and gives it back. */
    private final ConcurrentLinkedDeque<MemorySegment> handles = new ConcurrentLinkedDeque<>();

    /** Finds libturbojpeg; throws {@link IllegalStateException} when it is not there or native access is denied. */
    public TurboJpegDecoder() {
        String configured = System.getProperty("verge.turbojpeg.library");
        SymbolLookup lookup = null;
        String found = null;
        for (String name : configured != null ? new String[] {configured} : LIBRARY_NAMES) {
            try {
                lookup = SymbolLookup.libraryLookup(name, Arena.global());
                found = name;
                break;
            } catch (IllegalArgumentException notHere) {
                // try the next name
            }
        }
        if (lookup == null) {
            throw new IllegalStateException("libturbojpeg not found (looked for "
                    + (configured != null ? configured : String.join(", ", LIBRARY_NAMES))
                    + "); install it (Debian, Raspberry Pi OS: apt-get install libturbojpeg0)");
        }
        Linker linker = Linker.nativeLinker();
        ValueLayout pointer = ValueLayout.ADDRESS;
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout ulong = ValueLayout.JAVA_LONG; // unsigned long: 64 bits on the LP64 systems ONNX Runtime runs on
        this.library = found;
        this.initDecompress = linker.downcallHandle(symbol(lookup, "tjInitDecompress"), FunctionDescriptor.of(pointer));
        this.decompressHeader3 = linker.downcallHandle(symbol(lookup, "tjDecompressHeader3"),
                FunctionDescriptor.of(i32, pointer, pointer, ulong, pointer, pointer, pointer, pointer));
        this.decompress2 = linker.downcallHandle(symbol(lookup, "tjDecompress2"),
                FunctionDescriptor.of(i32, pointer, pointer, ulong, pointer, i32, i32, i32, i32, i32));
        this.errorString2 = linker.downcallHandle(symbol(lookup, "tjGetErrorStr2"),
                FunctionDescriptor.of(pointer, pointer));
        this.errorCode = linker.downcallHandle(symbol(lookup, "tjGetErrorCode"), FunctionDescriptor.of(i32, pointer));
        this.destroy = linker.downcallHandle(symbol(lookup, "tjDestroy"), FunctionDescriptor.of(i32, pointer));
        handles.push(newHandle()); // fails here, at start, if native access is denied
    }

    @Override
    public String name() {
        return "turbojpeg (" + library + ")";
    }

    @Override
    public RgbImage decode(byte[] jpeg, int denominator) {
        if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8) {
            throw new IllegalArgumentException("expected a scale denominator of 1, 2, 4 or 8, found " + denominator);
        }
        MemorySegment handle = handles.poll();
        if (handle == null) {
            handle = newHandle();
        }
        boolean reusable = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment source = arena.allocate(jpeg.length);
            MemorySegment.copy(jpeg, 0, source, ValueLayout.JAVA_BYTE, 0, jpeg.length);
            MemorySegment header = arena.allocate(ValueLayout.JAVA_INT, 4);
            int status = (int) decompressHeader3.invokeExact(handle, source, (long) jpeg.length, header,
                    header.asSlice(4), header.asSlice(8), header.asSlice(12));
            if (status != 0) {
                throw corrupt(handle);
            }
            int width = header.getAtIndex(ValueLayout.JAVA_INT, 0);
            int height = header.getAtIndex(ValueLayout.JAVA_INT, 1);
            int colorspace = header.getAtIndex(ValueLayout.JAVA_INT, 3);
            if (width <= 0 || height <= 0) {
                throw corrupt("no frame size in the header");
            }
            boolean cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
            int w = (width + denominator - 1) / denominator;
            int h = (height + denominator - 1) / denominator;
            int bytesPerPixel = cmyk ? 4 : 3;
            MemorySegment pixels = arena.allocate((long) w * h * bytesPerPixel);
            status = (int) decompress2.invokeExact(handle, source, (long) jpeg.length, pixels, w, 0, h,
                    cmyk ? TJPF_CMYK : TJPF_RGB, 0);
            if (status != 0) {
                checkWarning(handle);
            } else {
                reusable = true;
            }
            byte[] rgb = new byte[3 * w * h];
            if (cmyk) {
                Cmyk.toRgb(pixels.toArray(ValueLayout.JAVA_BYTE), rgb, JpegMarkers.hasAdobeSegment(jpeg));
            } else {
                MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, 0, rgb, 0, rgb.length);
            }
            return new RgbImage(rgb, w, h);
        } catch (VergeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("libturbojpeg call failed: " + e, e);
        } finally {
            // a handle that saw an error can crash the library on its next image: only clean ones go back
            if (reusable) {
                handles.push(handle);
            } else {
                destroy(handle);
            }
        }
    }

    private void destroy(MemorySegment handle) {
        try {
            int ignored = (int) destroy.invokeExact(handle);
        } catch (Throwable e) {
            throw new IllegalStateException("tjDestroy failed: " + e, e);
        }
    }

    /**
     * The library decodes past warnings and reports them after. A truncated or damaged stream is refused, as
     * with ImageIO; harmless warnings (extraneous bytes before a marker, as some cameras write) are not.
     */
    private void checkWarning(MemorySegment handle) throws Throwable {
        int code = (int) errorCode.invokeExact(handle);
        String message = message(handle);
        String m = message.toLowerCase(Locale.ROOT);
        boolean damaged = m.contains("premature end") || m.contains("truncated") || m.contains("corrupt jpeg data: bad")
                || m.contains("unsupported") || m.contains("bogus");
        if (code != TJERR_WARNING || damaged) {
            throw corrupt(message);
        }
    }

    private VergeException corrupt(MemorySegment handle) throws Throwable {
        return corrupt(message(handle));
    }

    private static VergeException corrupt(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "image_corrupt",
                "the JPEG is truncated or damaged (" + message + "); send the complete file");
    }

    private String message(MemorySegment handle) throws Throwable {
        MemorySegment text = (MemorySegment) errorString2.invokeExact(handle);
        return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(512).getString(0);
    }

    private MemorySegment newHandle() {
        try {
            MemorySegment handle = (MemorySegment) initDecompress.invokeExact();
            if (handle.equals(MemorySegment.NULL)) {
                throw new IllegalStateException("tjInitDecompress returned no handle");
            }
            return handle;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("tjInitDecompress failed: " + e, e);
        }
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("libturbojpeg has no " + name
                + "; expected libjpeg-turbo 1.5 or newer"));
    }
}

package dev.verge.inference.pkg;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** A package that cannot be opened: corrupt zip, unsafe paths, zip bomb, missing file, model that is not ONNX. */
public final class PackageInvalidException extends VergeException {
    public PackageInvalidException(String message) {
        super(ErrorKind.BAD_REQUEST, "package_invalid", message);
    }

    public PackageInvalidException(String message, Throwable cause) {
        super(ErrorKind.BAD_REQUEST, "package_invalid", message, cause);
    }
}

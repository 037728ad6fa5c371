package dev.verge.cloud.registry;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** 404: no such model ({@code model_not_found}) or version ({@code model_version_not_found}). */
public final class ModelVersionNotFoundException extends VergeException {

    private ModelVersionNotFoundException(String code, String message) {
        super(ErrorKind.NOT_FOUND, code, message);
    }

    static ModelVersionNotFoundException version(String name, String version) {
        return new ModelVersionNotFoundException("model_version_not_found",
                "no version " + version + " of model " + name + " is registered; GET /api/models/" + name
                        + "/versions lists the versions there are");
    }

    static ModelVersionNotFoundException model(String name) {
        return new ModelVersionNotFoundException("model_not_found",
                "no model named " + name + " is registered; GET /api/models lists the models there are");
    }
}

package dev.verge.inference.runtime;

/** {@link ModelTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class ModelOnTurboJpegTest extends ModelTest {}

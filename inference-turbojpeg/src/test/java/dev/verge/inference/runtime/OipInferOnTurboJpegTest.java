package dev.verge.inference.runtime;

/** {@link OipInferTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class OipInferOnTurboJpegTest extends OipInferTest {}

package dev.verge.inference.runtime;

/** {@link OcrOrientationClassifierTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class OcrOrientationClassifierOnTurboJpegTest extends OcrOrientationClassifierTest {}

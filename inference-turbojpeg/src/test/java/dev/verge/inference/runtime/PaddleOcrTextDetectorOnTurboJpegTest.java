package dev.verge.inference.runtime;

/** {@link PaddleOcrTextDetectorTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class PaddleOcrTextDetectorOnTurboJpegTest extends PaddleOcrTextDetectorTest {}

package dev.verge.inference.runtime;

/** {@link DetectionModelTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class DetectionModelOnTurboJpegTest extends DetectionModelTest {}

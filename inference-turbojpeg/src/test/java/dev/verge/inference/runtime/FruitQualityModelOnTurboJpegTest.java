package dev.verge.inference.runtime;

/** {@link FruitQualityModelTest} again, with JPEGs decoded by libjpeg-turbo in the DCT domain: the answers must not change. */
class FruitQualityModelOnTurboJpegTest extends FruitQualityModelTest {}

package dev.verge.inference.turbojpeg;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NodeList;

/** JPEGs as cameras and editors write them: chroma subsampling, progressive scans, restart markers, CMYK. */
final class JpegVariants {
    private static final String FORMAT = "javax_imageio_jpeg_image_1.0";

    private JpegVariants() {}

    /**
     * @param sampling        {@code 4:2:0}, {@code 4:2:2} or {@code 4:4:4} (ignored for greyscale)
     * @param restartInterval MCUs between restart markers, 0 for none
     */
    static byte[] write(BufferedImage image, String sampling, boolean progressive, int restartInterval) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(FORMAT);
            IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
            NodeList components = root.getElementsByTagName("componentSpec");
            if (components.getLength() == 3) {
                int h = sampling.equals("4:4:4") ? 1 : 2;
                int v = sampling.equals("4:2:0") ? 2 : 1;
                ((IIOMetadataNode) components.item(0)).setAttribute("HsamplingFactor", Integer.toString(h));
                ((IIOMetadataNode) components.item(0)).setAttribute("VsamplingFactor", Integer.toString(v));
            }
            if (restartInterval > 0) {
                IIOMetadataNode dri = new IIOMetadataNode("dri");
                dri.setAttribute("interval", Integer.toString(restartInterval));
                markers.insertBefore(dri, markers.getFirstChild());
            }
            metadata.setFromTree(FORMAT, root);
            return write(writer, new IIOImage(image, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    /** A four-channel JPEG with an Adobe segment, as Photoshop writes CMYK: samples stored inverted. */
    static byte[] adobeCmyk(Raster invertedCmyk) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try {
            byte[] plain = write(writer, new IIOImage(invertedCmyk, null, null), writer.getDefaultWriteParam());
            // APP14 "Adobe", version 100, flags 0, 0, transform 0 (CMYK, no colour transform)
            byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
            byte[] out = new byte[plain.length + adobe.length];
            System.arraycopy(plain, 0, out, 0, 2);
            System.arraycopy(adobe, 0, out, 2, adobe.length);
            System.arraycopy(plain, 2, out, 2 + adobe.length, plain.length - 2);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
    }

    private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, image, param);
        }
        return out.toByteArray();
    }
}

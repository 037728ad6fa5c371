package dev.verge.cloud.azure.storage;

import dev.verge.cloud.port.BlobInfo;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** One page of a List Blobs answer: the blobs and the marker of the next page ("" when this was the last). */
record BlobListing(List<BlobInfo> blobs, String nextMarker) {

    static BlobListing parse(byte[] xml) {
        Document doc = XmlDocs.parse(xml);
        List<BlobInfo> blobs = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName("Blob");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element blob = (Element) nodes.item(i);
            Element nameElement = (Element) blob.getElementsByTagName("Name").item(0);
            String name = nameElement.getTextContent();
            if ("true".equals(nameElement.getAttribute("Encoded"))) {
                // names with characters XML cannot carry arrive percent-encoded
                name = URLDecoder.decode(name.replace("+", "%2B"), StandardCharsets.UTF_8);
            }
            Element properties = (Element) blob.getElementsByTagName("Properties").item(0);
            long size = Long.parseLong(XmlDocs.text(properties, "Content-Length", "0"));
            String etag = AzureBlobStore.unquote(XmlDocs.text(properties, "Etag", ""));
            String modified = XmlDocs.text(properties, "Last-Modified", null);
            Instant lastModified = modified == null ? null
                    : ZonedDateTime.parse(modified, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            blobs.add(new BlobInfo(name, size, etag, lastModified));
        }
        return new BlobListing(blobs, XmlDocs.text(doc.getDocumentElement(), "NextMarker", ""));
    }

    /** XML parsing with doctypes and external entities refused. */
    static final class XmlDocs {
        private XmlDocs() {}

        static Document parse(byte[] xml) {
            try {
                DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
                factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
                factory.setExpandEntityReferences(false);
                return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
            } catch (ParserConfigurationException | SAXException | IOException e) {
                throw new AzureStorageException(502, null, "Azure Storage sent XML that does not parse: " + e.getMessage());
            }
        }

        /** Text of the first direct or nested child named {@code tag}, or {@code fallback}. */
        static String text(Element parent, String tag, String fallback) {
            NodeList nodes = parent.getElementsByTagName(tag);
            return nodes.getLength() == 0 ? fallback : nodes.item(0).getTextContent();
        }
    }
}

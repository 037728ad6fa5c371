package dev.verge.edge.sync;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** A certificate authority made in the test by the JDK's keytool, issuing PEM certificates and PKCS#8 keys. */
public final class TestCa {
    private static final String PASSWORD = "test-only";
    private final Path dir;
    private final X509Certificate ca;

    private TestCa(Path dir, X509Certificate ca) {
        this.dir = dir;
        this.ca = ca;
    }

    public static TestCa create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=" + name, "-ext", "bc:c",
                "-validity", "2", "-keystore", dir.resolve("ca.p12").toString());
        return new TestCa(dir, (X509Certificate) keystore(dir, "ca.p12").getCertificate("ca"));
    }

    /** The CA's certificate as a PEM bundle file. */
    public Path bundle() throws Exception {
        Path file = dir.resolve("ca.pem");
        Files.writeString(file, pem("CERTIFICATE", ca.getEncoded()));
        return file;
    }

    /** A certificate for {@code name} (with the given keytool SAN, e.g. "ip:127.0.0.1,dns:localhost", or null) and its key. */
    public Path[] issue(String name, String san) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        keytool(dir, "-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2", "-keystore", store);
        keytool(dir, "-certreq", "-alias", name, "-keystore", store, "-file", dir.resolve(name + ".csr").toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(),
                "-infile", dir.resolve(name + ".csr").toString(), "-outfile", dir.resolve(name + ".signed").toString(),
                "-validity", "2", "-rfc"));
        if (san != null) {
            gencert.addAll(List.of("-ext", "san=" + san));
        }
        keytool(dir, gencert.toArray(String[]::new));
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Files.writeString(cert, Files.readString(dir.resolve(name + ".signed")) + pem("CERTIFICATE", ca.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", keystore(dir, name + ".p12").getKey(name, PASSWORD.toCharArray()).getEncoded()));
        return new Path[] {cert, key};
    }

    public X509Certificate certificate() {
        return ca;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyStore keystore(Path dir, String file) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }

    private static void keytool(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}

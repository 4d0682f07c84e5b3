package dev.mxspec.homeserver.federation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/** A certificate authority for tests, issuing P-256 server certificates for {@code localhost} and {@code 127.0.0.1}. */
public final class TestCa {

    private static final AlgorithmIdentifier ECDSA_SHA256 = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);

    private final X500Name name;
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(String commonName) throws Exception {
        this.name = new X500Name("CN=" + commonName);
        this.keys = keyPair();
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        extensions.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.certificate = issue(name, keys, name, keys, extensions);
    }

    public static TestCa create(String commonName) throws Exception {
        return new TestCa(commonName);
    }

    /** Writes the CA certificate as PEM. */
    public Path writeCertificate(Path file) throws IOException, GeneralSecurityException {
        Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
        return file;
    }

    /** Issues a server certificate for {@code dnsName} and 127.0.0.1; writes {@code <prefix>.crt} (leaf, then this CA) and {@code <prefix>.key}. */
    public Path[] issueServer(Path dir, String prefix, String dnsName) throws Exception {
        KeyPair server = keyPair();
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, dnsName), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate leaf = issue(new X500Name("CN=" + dnsName), server, name, keys, extensions);
        Path crt = dir.resolve(prefix + ".crt");
        Path key = dir.resolve(prefix + ".key");
        Files.writeString(crt, pem("CERTIFICATE", leaf.getEncoded()) + pem("CERTIFICATE", certificate.getEncoded()));
        Files.writeString(key, pem("PRIVATE KEY", server.getPrivate().getEncoded()));
        return new Path[] {crt, key};
    }

    private static X509Certificate issue(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys, ExtensionsGenerator extensions)
            throws Exception {
        long now = System.currentTimeMillis();
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(now).shiftLeft(16).add(BigInteger.valueOf((long) (Math.random() * 65536)))));
        tbs.setIssuer(issuer);
        tbs.setSubject(subject);
        tbs.setStartDate(new Time(new Date(now - 3_600_000)));
        tbs.setEndDate(new Time(new Date(now + 24 * 3_600_000)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKeys.getPublic().getEncoded()));
        tbs.setSignature(ECDSA_SHA256);
        tbs.setExtensions(extensions.generate());
        TBSCertificate certificate = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(issuerKeys.getPrivate());
        signer.update(certificate.getEncoded());
        Certificate signed = Certificate.getInstance(new DERSequence(new ASN1Encodable[] {certificate, ECDSA_SHA256,
                new DERBitString(signer.sign())}));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(signed.getEncoded()));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}

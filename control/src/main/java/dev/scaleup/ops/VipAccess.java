package dev.scaleup.ops;

import dev.scaleup.render.Tls;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How the control plane (drills, benchmarks, up's last check) reaches the site as a client would: over HTTPS at the
 * VIP, checking the certificate against the deployment's own CA ({@code <state>/tls/ca.crt}) or, with the operator's
 * own certificate, against the certificates of that chain file. Nothing is trusted blindly.
 *
 * @param https the site's HTTPS base URL, e.g. https://198.18.0.100
 * @param http the plain HTTP base URL (redirected to HTTPS when lb.https_redirect is on), e.g. http://198.18.0.100
 * @param tls an SSL context trusting exactly the certificates named above
 * @param trusted the file the trust comes from
 */
public record VipAccess(URI https, URI http, SSLContext tls, Path trusted) {

    /**
     * The certificate must chain to the trusted file's certificates and name the VIP (IP) or {@code lb.tls_name}
     * (DNS): an operator's own certificate is often for a DNS name only, which the client cannot ask for by address.
     */
    public static VipAccess of(Deployment deployment) {
        Topology t = deployment.topology();
        Path trusted = t.lb().edge().ownCertificate() ? t.lb().edge().tlsCert()
                : Tls.dir(deployment.state().real()).resolve(Tls.CA_CERT);
        return new VipAccess(httpsUrl(t), httpUrl(t), trusting(trusted, List.of(t.network().vip().toString(), t.lb().edge().tlsName())),
                trusted);
    }

    public static URI httpsUrl(Topology t) {
        int port = t.lb().edge().httpsPort();
        return URI.create("https://" + t.network().vip() + (port == 443 ? "" : ":" + port));
    }

    public static URI httpUrl(Topology t) {
        return URI.create("http://" + t.network().vip() + (t.lb().port() == 80 ? "" : ":" + t.lb().port()));
    }

    /** An SSL context whose only trust anchors are the certificates in a PEM file (the client checks the name). */
    public static SSLContext trusting(Path pem) {
        return trusting(pem, null);
    }

    /**
     * An SSL context whose only trust anchors are the certificates in a PEM file and that accepts a server
     * certificate only when it names one of {@code names} (IP addresses or DNS names) in its subjectAltName, whatever
     * address the client connected to. With {@code names} null, the client's own check of the name applies.
     */
    public static SSLContext trusting(Path pem, List<String> names) {
        try {
            List<Certificate> certificates = new ArrayList<>();
            try (InputStream in = Files.newInputStream(pem)) {
                certificates.addAll(CertificateFactory.getInstance("X.509").generateCertificates(in));
            }
            if (certificates.isEmpty()) {
                throw new OperatorException("no certificate in " + pem + " to check the VIP's certificate against");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            TrustManager[] managers = factory.getTrustManagers();
            if (names != null) {
                X509TrustManager chain = (X509TrustManager) managers[0];
                managers = new TrustManager[] {new NamedServerTrust(chain, List.copyOf(names))};
            }
            context.init(null, managers, null);
            return context;
        } catch (IOException e) {
            throw new OperatorException("cannot read " + pem + " to check the VIP's certificate against: " + e.getMessage()
                    + " (`scaleup up` makes the deployment's CA)", e);
        } catch (GeneralSecurityException e) {
            throw new OperatorException("cannot use the certificates in " + pem + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks the chain with the PKIX trust manager and then the server certificate's names itself (being an
     * {@link X509ExtendedTrustManager}, it replaces the check of the connected address against the certificate).
     */
    static final class NamedServerTrust extends X509ExtendedTrustManager {
        private static final int DNS = 2;
        private static final int IP = 7;
        private final X509TrustManager chain;
        private final List<String> names;

        NamedServerTrust(X509TrustManager chain, List<String> names) {
            this.chain = chain;
            this.names = names;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            chain.checkServerTrusted(certificates, authType);
            java.util.Collection<List<?>> alternatives = certificates[0].getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    int type = (Integer) alternative.get(0);
                    if ((type == DNS || type == IP) && names.stream()
                            .anyMatch(n -> n.equalsIgnoreCase(String.valueOf(alternative.get(1))))) {
                        return;
                    }
                }
            }
            throw new CertificateException("the VIP's certificate (" + certificates[0].getSubjectX500Principal()
                    + ") names none of " + names + " in its subjectAltName");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType) throws CertificateException {
            throw new CertificateException("a client certificate is not expected");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(certificates, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certificates, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(certificates, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain.getAcceptedIssuers();
        }
    }
}

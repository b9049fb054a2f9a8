package dev.scaleup.ops;

import dev.scaleup.render.Tls;
import dev.scaleup.topology.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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

    public static VipAccess of(Deployment deployment) {
        Topology t = deployment.topology();
        Path trusted = t.edge().ownCertificate() ? t.edge().tlsCert()
                : Tls.dir(deployment.state().real()).resolve(Tls.CA_CERT);
        return new VipAccess(httpsUrl(t), httpUrl(t), trusting(trusted), trusted);
    }

    public static URI httpsUrl(Topology t) {
        int port = t.edge().httpsPort();
        return URI.create("https://" + t.vip() + (port == 443 ? "" : ":" + port));
    }

    public static URI httpUrl(Topology t) {
        return URI.create("http://" + t.vip() + (t.lbPort() == 80 ? "" : ":" + t.lbPort()));
    }

    /** An SSL context whose only trust anchors are the certificates in a PEM file. */
    public static SSLContext trusting(Path pem) {
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
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new OperatorException("cannot read " + pem + " to check the VIP's certificate against: " + e.getMessage()
                    + " (`scaleup up` makes the deployment's CA)", e);
        } catch (GeneralSecurityException e) {
            throw new OperatorException("cannot use the certificates in " + pem + ": " + e.getMessage(), e);
        }
    }
}

package org.quotaware.sample.it;

import java.io.File;
import java.net.URL;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link PriceListApiChecks} on Payara Micro through Arquillian: the failsafe execution names the Payara Micro jar
 * (6 on JDK 17; 7 on a JDK 21 or newer).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PriceListApiIT extends PriceListApiChecks {

    @ArquillianResource
    private URL url;

    @Deployment(testable = false)
    static WebArchive sampleWar() {
        return ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("sample.war", "target/sample-webapp.war")));
    }

    @Override
    protected URL base() {
        return url;
    }
}

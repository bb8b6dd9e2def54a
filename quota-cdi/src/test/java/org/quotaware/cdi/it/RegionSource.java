package org.quotaware.cdi.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;

import org.quotaware.servlet.IdentitySource;

/** An application's own identity source, a CDI bean the chain names {@code bean:region}. */
@ApplicationScoped
@Named("region")
public class RegionSource implements IdentitySource {

    @Override
    public String identify(HttpServletRequest request) {
        return request.getHeader("X-Region");
    }
}

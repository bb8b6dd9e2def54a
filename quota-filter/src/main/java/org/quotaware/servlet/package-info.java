/**
 * The servlet front end of the quota engine: {@link org.quotaware.servlet.QuotaFilter} (declared in web.xml, added
 * programmatically with a ready manager, or registered by the drop-in {@link org.quotaware.servlet.QuotaInitializer}),
 * its settings and the HTTP answers it gives. The only package of the library that imports {@code jakarta.*}.
 */
package org.quotaware.servlet;

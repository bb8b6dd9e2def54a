/**
 * What operators see of denials without CDI: a bounded in-memory {@link org.quotaware.denials.DenialLog} of the latest
 * denials and a rate-limited JUL {@link org.quotaware.denials.DenialLogger}, both listeners of the manager's
 * decisions. quota-cdi serves the log through its admin API.
 */
package org.quotaware.denials;

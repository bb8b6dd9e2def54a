/**
 * What a request costs the threads that run it: {@link org.quotaware.cost.CostMeter} measures a thread's CPU time and
 * allocated bytes over a segment of a request and charges them to its permit, for the limits that count
 * {@link org.quotaware.Counted#CPU} and {@link org.quotaware.Counted#ALLOCATED}. Plain Java; the servlet filter and
 * quota-cdi's interceptor decide where a segment starts and ends.
 */
package org.quotaware.cost;

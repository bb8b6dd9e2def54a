package org.quotaware.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;

import org.quotaware.QuotaPermit;

/**
 * Holds an asynchronous request's concurrency slot until the request really ends. {@link QuotaPermit#close()} releases
 * once however many of these events arrive (a timeout or an error is followed by a completion).
 */
final class AsyncPermitRelease implements AsyncListener {

    private final QuotaPermit permit;

    AsyncPermitRelease(QuotaPermit permit) {
        this.permit = permit;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        permit.close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        permit.failed();
        permit.close();
    }

    @Override
    public void onError(AsyncEvent event) {
        // also how a client that went away during asynchronous processing shows up
        permit.failed();
        permit.close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // startAsync() again (after a dispatch) drops the listeners: stay registered for the new cycle
        event.getAsyncContext().addListener(this);
    }
}

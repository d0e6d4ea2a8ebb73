package io.agentmatch.api.http;

import io.agentmatch.contract.trace.TraceHeaders;
import io.agentmatch.contract.trace.Traced;
import io.agentmatch.contract.trace.Tracing;
import io.javalin.http.Context;
import io.opentelemetry.api.trace.SpanKind;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Every request's trace: continues the client's W3C {@code traceparent} (a missing or malformed one
 * starts a new trace: never an error), takes the client's {@code X-Request-Id} when it is valid or
 * makes one, answers both ({@code X-Request-Id}, {@code traceresponse}), and runs the request's
 * handlers with its span current and its ids in the logging MDC. A servlet filter, so the scope is
 * exactly the request thread's part of the work (auth, the handler, error mapping); the access log
 * enters it again wherever the request ends, and ends the span ({@link #finish}).
 */
public final class RequestTracing implements Filter {
    private static final String ATTRIBUTE = RequestTracing.class.getName();

    private final Tracing tracing;

    public RequestTracing(Tracing tracing) {
        this.tracing = tracing;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        HttpServletResponse answer = (HttpServletResponse) response;
        String requestId = TraceHeaders.validRequestId(http.getHeader(TraceHeaders.HTTP_REQUEST_ID));
        if (requestId == null) {
            requestId = TraceHeaders.newRequestId();
        }
        Traced traced = tracing.start(http.getMethod(), SpanKind.SERVER, tracing.fromHttp(http::getHeader, requestId))
                .attribute("http.request.method", http.getMethod())
                .attribute("url.path", http.getRequestURI());
        http.setAttribute(ATTRIBUTE, traced);
        answer.setHeader(TraceHeaders.HTTP_REQUEST_ID, requestId);
        String traceparent = traced.traceparent();
        if (traceparent != null) {
            answer.setHeader(TraceHeaders.HTTP_TRACE_RESPONSE, traceparent);
        }
        try (Traced.In in = traced.enter()) {
            chain.doFilter(request, response);
        }
    }

    /** The request's traced work, or null for a request the filter did not see. */
    public static Traced of(Context ctx) {
        return ctx.attribute(ATTRIBUTE);
    }

    /** Ends the request's span, named after its route template (OpenTelemetry's HTTP convention). */
    public static void finish(Traced traced, String method, String route, int status) {
        if (traced == null) {
            return;
        }
        traced.span().updateName(method + " " + route);
        traced.attribute("http.route", route).attribute("http.response.status_code", status);
        if (status >= 500) {
            traced.fail("HTTP " + status);
        }
        traced.end();
    }
}

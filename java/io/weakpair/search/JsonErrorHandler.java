package io.weakpair.search;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Errors that Jetty answers before a route runs (a URL it refuses to decode, an oversized
 * header): {@code {"error": "..."}} like every other refusal, instead of Jetty's HTML page.
 * The message is fixed per status: nothing from the request is echoed.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    protected void generateAcceptableResponse(
            Request baseRequest, HttpServletRequest request, HttpServletResponse response, int code, String message)
            throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        response.setCharacterEncoding("utf-8");
        response.getOutputStream().write(body(code));
    }

    /** Requests so malformed that Jetty answers while parsing them (a NUL in the path). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int code) {
        return ("{\"error\":\"the server refused this request (HTTP " + code + ")\"}").getBytes(StandardCharsets.UTF_8);
    }
}

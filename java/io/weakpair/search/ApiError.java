package io.weakpair.search;

/** A request the API refuses: its HTTP status (4xx) and a one-line message for the JSON body. */
final class ApiError extends RuntimeException {
    final int status;

    ApiError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}

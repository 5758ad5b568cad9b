package io.weakpair.data;

/** A dataset that cannot be read or used: the message names the file, record or batch at fault. */
public class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

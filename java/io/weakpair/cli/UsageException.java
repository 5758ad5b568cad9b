package io.weakpair.cli;

/**
 * A bad command line found while a command checks its options (a value out of range, options
 * that contradict each other): reported like a parse error, exit code 2, with a pointer to
 * --help. Failures while the command runs stay other exceptions (exit code 1).
 */
final class UsageException extends IllegalArgumentException {
    UsageException(String message) {
        super(message);
    }

    /** Runs an option check or parse; an IllegalArgumentException from it becomes a usage error. */
    static <T> T check(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (UsageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}

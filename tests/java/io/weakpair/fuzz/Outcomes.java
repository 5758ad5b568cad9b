package io.weakpair.fuzz;

/**
 * What a fuzzed call may do: succeed, or throw one of the exceptions the project uses for misuse
 * (IllegalArgumentException for a bad argument, IllegalStateException for a closed tensor or a
 * wrong state) with a message. Anything else (a RuntimeException from a native kernel that was
 * reached with bad arguments, an ArithmeticException, an IndexOutOfBoundsException, a message-less
 * exception) fails the property, and a crash kills the child JVM.
 */
final class Outcomes {
    private Outcomes() {}

    /** Runs the call; returns true when it succeeded, false when it was refused acceptably. */
    static boolean accepted(String what, Runnable call) {
        try {
            call.run();
            return true;
        } catch (IllegalArgumentException | IllegalStateException refused) {
            String m = refused.getMessage();
            if (m == null || m.isBlank()) throw new AssertionError(what + ": refused without a message", refused);
            return false;
        } catch (RuntimeException unexpected) {
            throw new AssertionError(
                    what + ": unexpected " + unexpected.getClass().getName() + ": " + unexpected.getMessage(),
                    unexpected);
        }
    }
}

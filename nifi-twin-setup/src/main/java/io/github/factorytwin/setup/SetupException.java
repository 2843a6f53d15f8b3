package io.github.factorytwin.setup;

/**
 * A set-up step failed: a service was unreachable within the timeout, or refused a request. The message says which
 * service, at which address, and what to check; {@link TwinSetup} prints it and exits non-zero.
 */
public class SetupException extends RuntimeException {

    public SetupException(String message) {
        super(message);
    }

    public SetupException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The innermost cause's message, or its class name when it has none: what a person needs to see first. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }
}

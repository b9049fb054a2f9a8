package dev.scaleup.ops;

/** A failure the operator can act on: its message is the whole story, shown without a stack trace. */
public class OperatorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OperatorException(String message) {
        super(message);
    }

    public OperatorException(String message, Throwable cause) {
        super(message, cause);
    }
}

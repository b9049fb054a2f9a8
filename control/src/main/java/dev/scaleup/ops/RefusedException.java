package dev.scaleup.ops;

/** A request the operator must change (a bad argument, a limit): nothing was changed; exit code 2. */
public class RefusedException extends OperatorException {

    private static final long serialVersionUID = 1L;

    public RefusedException(String message) {
        super(message);
    }
}

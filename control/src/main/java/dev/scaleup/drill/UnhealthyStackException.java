package dev.scaleup.drill;

import dev.scaleup.ops.OperatorException;

/** The drill refused to start: the stack is not healthy, so a fault would prove nothing. */
public final class UnhealthyStackException extends OperatorException {

    private static final long serialVersionUID = 1L;

    public UnhealthyStackException(String message) {
        super(message);
    }
}

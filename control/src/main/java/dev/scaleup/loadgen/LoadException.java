package dev.scaleup.loadgen;

/** The load could not be run (for example the API is missing); the message says why. */
public class LoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LoadException(String message) {
        super(message);
    }
}

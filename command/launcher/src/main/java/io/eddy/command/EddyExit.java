package io.eddy.command;

/**
 * The end of a subcommand with an exit code other than its normal one, and the line that says why ({@code eddy: ...}
 * on standard error), empty when it was said already. Thrown from anywhere in a subcommand and turned into the exit
 * code by {@link Eddy#main}.
 */
final class EddyExit extends RuntimeException {
    private final int code;

    EddyExit(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** Exit code 1 with {@code message}: the script's {@code die}. */
    static EddyExit die(String message) {
        return new EddyExit(1, message);
    }

    int code() {
        return code;
    }
}

package io.eddy.command;

import java.util.Arrays;
import java.util.List;

/** The entries of a classpath file as Maven's {@code build-classpath} writes it: colon-separated, newlines ignored. */
final class Classpath {
    private Classpath() {}

    static List<String> entries(String text) {
        return Arrays.stream(text.replace("\n", "").split(":"))
                .filter(e -> !e.isEmpty())
                .toList();
    }
}

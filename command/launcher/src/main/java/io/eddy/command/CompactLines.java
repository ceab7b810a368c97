package io.eddy.command;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code ./eddy compact} prints for each line the server streams from {@code POST /v1/admin/compact} (compact
 * JSON, one object a line, in the server's own fixed format): a progress bar on a terminal or a line per partition,
 * the garbage collected, the summary, and the errors. Pure; thread-safe.
 */
final class CompactLines {
    /** What one line prints on standard output and on standard error, and whether it is a failure. */
    record Printed(String out, List<String> errors, boolean failed) {
        static final Printed NOTHING = new Printed("", List.of(), false);

        static Printed error(String message) {
            return new Printed("", List.of(message), true);
        }
    }

    private static final int BAR = 30;

    private CompactLines() {}

    /**
     * The value of a number, string or boolean field of a compact JSON line (the last one of that name, quotes
     * removed), or the empty string.
     */
    static String field(String line, String name) {
        Matcher m = Pattern.compile(".*\"" + Pattern.quote(name) + "\":(\"[^\"]*\"|[^,}]*).*")
                .matcher(line);
        return m.matches() ? m.group(1).replace("\"", "") : "";
    }

    /** What the line prints; {@code url} is where the server was sought, for the message when it was not found. */
    static Printed print(String line, boolean tty) {
        String type = field(line, "type");
        String newline = tty ? "\n" : "";
        if (type.equals("partition")) {
            long done = Long.parseLong(field(line, "done"));
            long total = Long.parseLong(field(line, "total"));
            if (tty) {
                int filled = (int) (total > 0 ? done * BAR / total : BAR);
                return new Printed(
                        String.format(
                                Locale.ROOT, "\r[%-" + BAR + "s] %d/%d partitions", "#".repeat(filled), done, total),
                        List.of(),
                        false);
            }
            return new Printed(
                    field(line, "topic") + "/" + field(line, "partition") + ": " + plan(line) + "\n", List.of(), false);
        }
        if (type.equals("garbage")) {
            return new Printed(
                    newline + "garbage: " + field(line, "objects") + " objects, " + field(line, "bytes") + " bytes"
                            + (field(line, "dry_run").equals("true") ? " (dry run: kept)" : "") + "\n",
                    List.of(),
                    false);
        }
        if (type.equals("summary")) {
            StringBuilder out = new StringBuilder(newline).append("summary:\n");
            String body = line.replaceFirst("^\\{", "").replaceFirst("}$", "").replace("\"", "");
            for (String entry : body.split(",", -1)) {
                if (!entry.startsWith("type:")) {
                    out.append("  ").append(entry.replaceFirst(":", ": ")).append('\n');
                }
            }
            return new Printed(out.toString(), List.of(), false);
        }
        if (type.startsWith("urn:") || type.isEmpty() && line.startsWith("{") && line.contains("\"code\"")) {
            return Printed.error(field(line, "detail") + " (" + field(line, "code") + ")");
        }
        return Printed.NOTHING;
    }

    /** A partition's plan: its merges, retention and key compaction. */
    static String plan(String line) {
        String plan = "merges: " + count(line, "\"tier\"");
        if (line.contains("\"retention\"")) {
            plan += ", retention to " + field(line, "log_start_offset");
        }
        if (line.contains("\"compaction\"")) {
            plan += ", key compaction";
        }
        return plan;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }
}

package io.eddy.core.auth;

/**
 * A resource name pattern, Kafka's literal and prefixed patterns: {@code orders} matches exactly that name,
 * {@code orders-*} every name starting with {@code orders-}, {@code *} every name. A {@code *} anywhere but at
 * the end is refused, so a pattern never means more than it reads. Also used for IAM principal ARNs
 * ({@code arn:aws:sts::123456789012:assumed-role/eddy-writer/*}).
 *
 * @param text the pattern as written
 */
public record NamePattern(String text) {
    public static final NamePattern ANY = new NamePattern("*");

    public NamePattern {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a name pattern is a name, a prefix ending in '*', or '*'; not empty");
        }
        int star = text.indexOf('*');
        if (star >= 0 && star != text.length() - 1) {
            throw new IllegalArgumentException("'*' may only end a name pattern: '" + text + "'");
        }
    }

    public boolean isPrefix() {
        return text.endsWith("*");
    }

    public boolean matches(String name) {
        if (name == null) {
            return false;
        }
        return isPrefix() ? name.startsWith(text.substring(0, text.length() - 1)) : name.equals(text);
    }

    @Override
    public String toString() {
        return text;
    }
}

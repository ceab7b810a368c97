package io.eddy.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The SHA-256 of a bearer token, which is what configuration holds, so a configuration file or environment
 * never holds the secret itself. Compared in constant time. A token is random, so a plain hash (no salt, no
 * stretching) is enough: there is no dictionary to guess from. Immutable.
 */
public final class TokenHash {
    private static final int TOKEN_BYTES = 32;
    private final byte[] sha256;

    private TokenHash(byte[] sha256) {
        this.sha256 = sha256;
    }

    /** Parses 64 hex digits, as {@code sha256sum} prints them. */
    public static TokenHash parse(String hex) {
        String h = hex.trim();
        if (h.length() != 64) {
            throw new IllegalArgumentException("a token hash is the SHA-256 of the token as 64 hex digits");
        }
        try {
            return new TokenHash(HexFormat.of().parseHex(h));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a token hash is the SHA-256 of the token as 64 hex digits", e);
        }
    }

    public static TokenHash of(String token) {
        return new TokenHash(sha256(token));
    }

    /** A new random token: {@code eddy_} and 43 base64url characters (256 bits). */
    public static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return "eddy_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code token} hashes to this, in time independent of where the hashes differ. */
    public boolean matches(String token) {
        return MessageDigest.isEqual(sha256, sha256(token));
    }

    /** Whether the two hashes are equal, in constant time (the caller hashes a presented token once). */
    boolean matches(TokenHash other) {
        return MessageDigest.isEqual(sha256, other.sha256);
    }

    public String hex() {
        return HexFormat.of().formatHex(sha256);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Never the hash: hashes stay out of logs too. */
    @Override
    public String toString() {
        return "TokenHash[…]";
    }
}

package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;

/** What every error answer of the HTTP API looks like, asserted in one place for the ITs of every module. */
public final class ProblemAssertions {

    private ProblemAssertions() {}

    /** {@code r} is a problem+json answer with this status and code, a detail, a retryable flag and no stack trace. */
    public static void assertProblem(Http.Reply r, int status, String code) {
        assertThat(r.status()).as("status of %s", r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.code()).isEqualTo(code);
        assertThat(r.body().get("status").asInt()).isEqualTo(status);
        assertThat(r.body().has("detail")).isTrue();
        assertThat(r.body().has("retryable")).isTrue();
        assertThat(r.raw()).doesNotContain("Exception").doesNotContain("\tat ");
    }
}

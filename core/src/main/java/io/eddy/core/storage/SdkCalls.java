package io.eddy.core.storage;

import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/** Bridges the AWS SDK's async calls into lazy Mutiny {@link Uni}s with one translation of failures. */
public final class SdkCalls {
    private SdkCalls() {}

    /**
     * A lazy Uni over an SDK call: the call is made on each subscription, and a failure goes through
     * {@code translate} (which receives the unwrapped SDK exception).
     */
    public static <T> Uni<T> call(Supplier<CompletionStage<T>> call, Function<Throwable, Throwable> translate) {
        return Uni.createFrom().completionStage(call).onFailure().transform(t -> translate.apply(unwrap(t)));
    }

    public static Throwable unwrap(Throwable t) {
        Throwable cur = t;
        while (cur instanceof CompletionException && cur.getCause() != null) {
            cur = cur.getCause();
        }
        return cur;
    }
}

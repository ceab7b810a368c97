package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the Admin tests share: one front end over the class's stack, and kafka-clients' Admin pointed at it with
 * timeouts a slow box meets. Each test class that extends it gets its own of both (one test instance per class).
 */
@ExtendWith(EddyStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class Admins {
    EddyStack stack;
    KafkaFrontEnd eddy;
    Admin admin;

    @BeforeAll
    void start(EddyStack given) {
        stack = given;
        eddy = new KafkaFrontEnd(stack);
        admin = eddy.admin();
    }

    @AfterAll
    void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    /** The future's value, within 30 s. */
    static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    /** Asserts the future fails with Kafka's {@code error}, within 30 s. */
    static void assertFails(KafkaFuture<?> future, Class<? extends Throwable> error) {
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(error);
    }
}

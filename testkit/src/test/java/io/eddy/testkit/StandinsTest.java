package io.eddy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The helper JVM's launcher. */
class StandinsTest {

    @Test
    void sharedStandinsListenOnLoopbackAndCheckS3Credentials() {
        Standins standins = Standins.shared();

        assertThat(Standins.shared()).isSameAs(standins);
        assertThat(standins.dynamoEndpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(standins.s3Endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(standins.region()).isEqualTo("us-east-1");
        EddyStack wrongSecret = new EddyStack(
                standins.dynamoEndpoint(),
                standins.s3Endpoint(),
                standins.region(),
                standins.accessKey(),
                standins.secretKey() + "-not",
                "eddy-unused-table",
                "eddy-unused-bucket");
        try (S3Client s3 = wrongSecret.s3()) {
            assertThat(catchThrowable(s3::listBuckets))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        }
    }

    @Test
    void startupFailureSaysWhy() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));

            Throwable failure = catchThrowable(
                    () -> Standins.start(Standins.Options.inMemory().withPorts(0, taken.getLocalPort()))
                            .close());

            assertThat(failure)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("did not start")
                    .hasMessageContaining("exited with status");
        }
    }
}

package io.eddy.runtime.auth;

import io.quarkus.arc.DefaultBean;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.Optional;

/** The server's {@link IamCallers}: an HTTP server sees no IAM request context. */
@Singleton
@DefaultBean
public class NoIamCallers implements IamCallers {
    @Override
    public boolean available() {
        return false;
    }

    @Override
    public Optional<String> callerArn(HttpServerRequest request) {
        return Optional.empty();
    }
}

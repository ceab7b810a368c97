package io.eddy.runtime.auth;

import io.vertx.core.http.HttpServerRequest;
import java.util.Optional;

/**
 * Where the IAM principal of the request being served comes from: the Lambda function URL's request context
 * ({@code requestContext.authorizer.iam.userArn}), which the Lambda modules read. The server has none.
 */
public interface IamCallers {
    /** Whether this packaging can see IAM callers at all ({@code eddy.auth.mode=iam} needs it). */
    boolean available();

    /** The caller's ARN, when the request came through IAM authorisation. */
    Optional<String> callerArn(HttpServerRequest request);
}

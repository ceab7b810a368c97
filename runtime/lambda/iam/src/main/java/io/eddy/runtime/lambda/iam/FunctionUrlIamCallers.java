package io.eddy.runtime.lambda.iam;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.eddy.runtime.auth.IamCallers;
import io.quarkus.vertx.http.runtime.QuarkusHttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The caller's IAM principal ARN from the event Lambda was invoked with: a function URL with {@code AWS_IAM} auth
 * (or an API Gateway HTTP API with IAM authorisation) puts the verified signer in
 * {@code requestContext.authorizer.iam.userArn}; quarkus-amazon-lambda-http keeps the event's request context
 * beside the request's headers. Not Quarkus' own {@code IAMPrincipal}, whose name is the user id, not the ARN.
 * Thread-safe.
 */
@Singleton
public class FunctionUrlIamCallers implements IamCallers {
    @Override
    public boolean available() {
        return true;
    }

    @Override
    public Optional<String> callerArn(HttpServerRequest request) {
        if (request == null || !(request.headers() instanceof QuarkusHttpHeaders headers)) {
            return Optional.empty();
        }
        Object context = headers.getContextObject(APIGatewayV2HTTPEvent.RequestContext.class);
        if (!(context instanceof APIGatewayV2HTTPEvent.RequestContext rc)
                || rc.getAuthorizer() == null
                || rc.getAuthorizer().getIam() == null) {
            return Optional.empty();
        }
        String arn = rc.getAuthorizer().getIam().getUserArn();
        return arn == null || arn.isBlank() ? Optional.empty() : Optional.of(arn);
    }
}

package io.eddy.infra;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Says on the console why a Docker-backed test class is skipped: Surefire reports a skipped class only as a
 * count, and Testcontainers' own {@code disabledWithoutDocker} reason only reaches the XML report.
 */
public final class SkipWithoutDocker implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (DockerClientFactory.instance().isDockerAvailable()) {
            return ConditionEvaluationResult.enabled("Docker is available");
        }
        String reason = "skipped " + context.getDisplayName()
                + ": Docker is not available, and it needs a Docker engine to run LocalStack and the functions"
                + " (without Docker, run Eddy with ./eddy dev; see docs/deploy.md)";
        System.out.println(reason);
        return ConditionEvaluationResult.disabled(reason);
    }
}

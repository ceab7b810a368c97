package io.eddy.fetch;

import io.eddy.testkit.EddyStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the fetch function's HTTP tests at the stand-ins the testkit starts once per test run (or at the endpoint
 * named by {@code -Deddy.test.endpoint}), with a table and bucket of its own, created by the bootstrap.
 */
public class StandinsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String name = EddyStack.uniqueName("fetch-fn");
        return EddyStack.create(name, name).eddyConfig();
    }

    @Override
    public void stop() {
        // The shared stand-ins stop with the test JVM.
    }
}

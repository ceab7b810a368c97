package io.eddy.server;

import io.eddy.testkit.EddyStack;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Points the server under test at the stand-ins the testkit starts once per test run (or at the endpoint
 * named by {@code -Deddy.test.endpoint}), with a table and bucket of its own, created by the server's
 * bootstrap.
 */
public class StandinsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String name = EddyStack.uniqueName("server");
        EddyStack stack = EddyStack.create(name, name);
        Map<String, String> config = new HashMap<>(stack.eddyConfig());
        // so a test of the stream's heartbeat does not wait the default 15 s
        config.put("eddy.fetch.sse-heartbeat", "300ms");
        // so the client's group test can kill a member and see its session end in about a second
        config.put("eddy.groups.min-session-timeout", "500ms");
        // a second bucket of this deployment, for topics with replicas (the tests create it)
        config.put("eddy.storage.buckets", name + "," + name + "-replica");
        return config;
    }

    @Override
    public void stop() {
        // The shared stand-ins stop with the test JVM.
    }
}

package io.eddy.kafka;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this front end implements, one handler each, and ApiVersions built from them: what is advertised is
 * exactly what has a handler. Immutable and thread-safe.
 */
public final class ApiHandlers {
    private final Map<ApiKeys, ApiHandler> handlers;

    /** ApiVersions over {@code others}, which must not include an ApiVersions handler of their own. */
    public ApiHandlers(List<ApiHandler> others) {
        EnumMap<ApiKeys, ApiHandler> map = new EnumMap<>(ApiKeys.class);
        for (ApiHandler handler : others) {
            if (handler.apiKey() == ApiKeys.API_VERSIONS || map.put(handler.apiKey(), handler) != null) {
                throw new IllegalArgumentException("a second handler of " + handler.apiKey());
            }
            checkRange(handler);
        }
        map.put(ApiKeys.API_VERSIONS, new ApiVersionsHandler(this));
        this.handlers = Collections.unmodifiableMap(map);
    }

    public Optional<ApiHandler> handler(ApiKeys apiKey) {
        return Optional.ofNullable(handlers.get(apiKey));
    }

    /** What ApiVersions advertises: each handled API with its handler's version range, in API key order. */
    public ApiVersionCollection advertised() {
        ApiVersionCollection versions = new ApiVersionCollection();
        handlers.values()
                .forEach(h -> versions.add(new ApiVersion()
                        .setApiKey(h.apiKey().id)
                        .setMinVersion(h.oldestVersion())
                        .setMaxVersion(h.latestVersion())));
        return versions;
    }

    private static void checkRange(ApiHandler handler) {
        ApiKeys key = handler.apiKey();
        if (handler.oldestVersion() > handler.latestVersion()
                || !key.isVersionSupported(handler.oldestVersion())
                || !key.isVersionSupported(handler.latestVersion())) {
            throw new IllegalArgumentException(key + " handler's versions " + handler.oldestVersion() + ".."
                    + handler.latestVersion() + " are not all versions kafka-clients can read");
        }
    }
}

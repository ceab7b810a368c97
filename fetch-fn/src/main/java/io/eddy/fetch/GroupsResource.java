package io.eddy.fetch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.auth.Operation;
import io.eddy.core.auth.Permission;
import io.eddy.core.auth.Principal;
import io.eddy.core.auth.ResourceType;
import io.eddy.core.group.GroupService;
import io.eddy.runtime.EddyConfig;
import io.eddy.runtime.RequestLimits;
import io.eddy.runtime.auth.Caller;
import io.eddy.runtime.auth.CallerChecks;
import io.eddy.runtime.auth.Requires;
import io.eddy.runtime.json.JsonRecords;
import io.eddy.runtime.metrics.Metered;
import io.eddy.runtime.metrics.RequestKind;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.function.Consumer;

/**
 * Consumer groups: {@code /v1/groups}. Join or heartbeat with {@code PUT …/members/{member}}, leave with
 * {@code DELETE}, commit with {@code POST …/offsets}, reset with {@code POST …/offsets:reset}; shapes in
 * docs/consumer-groups.md.
 */
@Path("/v1/groups")
@Produces(MediaType.APPLICATION_JSON)
public class GroupsResource {
    private final GroupService groups;
    private final JsonRecords json;
    private final RequestLimits limits;
    private final EddyConfig config;
    private final Caller caller;

    public GroupsResource(
            GroupService groups, JsonRecords json, RequestLimits limits, EddyConfig config, Caller caller) {
        this.groups = groups;
        this.json = json;
        this.limits = limits;
        this.config = config;
        this.caller = caller;
    }

    @CallerChecks
    @GET
    public Uni<ObjectNode> list() {
        Principal principal = caller.principal();
        return groups.list().map(all -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            var list = out.putArray("groups");
            // only the groups the caller holds some grant on
            all.stream()
                    .filter(g -> principal.mayDescribe(ResourceType.GROUP, g.value()))
                    .forEach(g -> list.addObject().put("group", g.value()));
            return out;
        });
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @GET
    @Path("/{group}")
    public Uni<ObjectNode> describe(@PathParam("group") String group) {
        Principal principal = caller.principal();
        // Kafka's OffsetFetch needs Describe on the topic: offsets, watermarks and names of others are left out
        return groups.describe(group)
                .map(d -> GroupJson.describe(d, t -> principal.mayDescribe(ResourceType.TOPIC, t)));
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.GROUP, param = "group")
    @DELETE
    @Path("/{group}")
    public Uni<Response> delete(@PathParam("group") String group) {
        return groups.delete(group).replaceWith(Response.noContent().build());
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @PUT
    @Path("/{group}/members/{member}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> heartbeat(
            @PathParam("group") String group, @PathParam("member") String member, byte[] body) {
        limits.check(body);
        var hb = GroupJson.heartbeat(GroupJson.memberId(member), json.parse(body), config.groups());
        hb.subscription().ifPresent(s -> {
            if (s.pattern().isPresent()) {
                caller.requireEverywhere(Operation.CONSUME, ResourceType.TOPIC);
            } else {
                caller.requireAll(s.topics().stream()
                        .map(t -> Permission.topic(Operation.CONSUME, t))
                        .toList());
            }
        });
        return groups.heartbeat(group, hb).map(r -> GroupJson.reply(group, r));
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @DELETE
    @Path("/{group}/members/{member}")
    public Uni<Response> leave(@PathParam("group") String group, @PathParam("member") String member) {
        return groups.leave(group, GroupJson.memberId(member))
                .replaceWith(Response.noContent().build());
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @Metered(RequestKind.COMMIT)
    @POST
    @Path("/{group}/offsets")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> commit(@PathParam("group") String group, byte[] body) {
        limits.check(body);
        GroupJson.Commit commit = GroupJson.commit(json.parse(body));
        caller.requireAll(commit.offsets().stream()
                .map(o -> Permission.topic(Operation.CONSUME, o.partition().topic()))
                .distinct()
                .toList());
        return groups.commit(group, commit.memberId(), commit.memberEpoch(), commit.offsets())
                .map(GroupJson::committed);
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.GROUP, param = "group")
    @POST
    @Path("/{group}/offsets:reset")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> reset(@PathParam("group") String group, byte[] body) {
        limits.check(body);
        GroupJson.Reset reset = GroupJson.reset(json.parse(body));
        Principal principal = caller.principal();
        // as Kafka's AlterConsumerGroupOffsets needs Read on each topic: every topic it moves, named or implied
        Consumer<List<String>> mayConsume = topics -> topics.stream()
                .map(t -> Permission.topic(Operation.CONSUME, t))
                .filter(wanted -> !principal.allows(wanted))
                .findFirst()
                .ifPresent(wanted -> {
                    throw Caller.forbidden(principal, wanted);
                });
        return groups.reset(group, reset.topics(), reset.target(), reset.dryRun(), mayConsume)
                .map(offsets -> GroupJson.reset(offsets, reset.dryRun()));
    }
}

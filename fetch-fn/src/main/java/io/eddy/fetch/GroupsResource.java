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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Consumer groups: {@code /v1/groups}. Join or heartbeat with {@code PUT …/members/{member}}, leave with
 * {@code DELETE}, commit with {@code POST …/offsets}, reset with {@code POST …/offsets:reset}; shapes in
 * docs/consumer-groups.md.
 */
@Path("/v1/groups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "groups")
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
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "List the groups the caller holds a grant on")
    @APIResponse(
            responseCode = "200",
            description = "the groups",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GroupList")))
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
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Describe a group: members, assignment, committed offsets and lag per partition")
    @APIResponse(
            responseCode = "200",
            description = "the group",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "GroupDescription")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<ObjectNode> describe(@PathParam("group") String group) {
        Principal principal = caller.principal();
        // Kafka's OffsetFetch needs Describe on the topic: offsets, watermarks and names of others are left out
        return groups.describe(group)
                .map(d -> GroupJson.describe(d, t -> principal.mayDescribe(ResourceType.TOPIC, t)));
    }

    @Requires(operation = Operation.ADMIN, resource = ResourceType.GROUP, param = "group")
    @DELETE
    @Path("/{group}")
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Delete a group without live members, with its committed offsets")
    @APIResponse(responseCode = "204", description = "deleted")
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
    public Uni<Response> delete(@PathParam("group") String group) {
        return groups.delete(group).replaceWith(Response.noContent().build());
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @PUT
    @Path("/{group}/members/{member}")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Join (member_epoch 0) or heartbeat: answers the member's assignment")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Heartbeat")))
    @APIResponse(
            responseCode = "200",
            description = "the member's epoch and assignment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "HeartbeatReply")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
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
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Leave the group")
    @APIResponse(responseCode = "204", description = "left")
    @APIResponse(responseCode = "404", ref = "Problem404")
    public Uni<Response> leave(@PathParam("group") String group, @PathParam("member") String member) {
        return groups.leave(group, GroupJson.memberId(member))
                .replaceWith(Response.noContent().build());
    }

    @Requires(operation = Operation.CONSUME, resource = ResourceType.GROUP, param = "group")
    @Metered(RequestKind.COMMIT)
    @POST
    @Path("/{group}/offsets")
    @Consumes(MediaType.APPLICATION_JSON)
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Commit offsets, fenced by the member's epoch and ownership")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OffsetCommit")))
    @APIResponse(
            responseCode = "200",
            description = "the offsets committed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommittedOffsets")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
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
    @org.eclipse.microprofile.openapi.annotations.Operation(
            summary = "Reset a group's offsets (only while it has no live member); dry_run previews")
    @RequestBody(
            required = true,
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "OffsetReset")))
    @APIResponse(
            responseCode = "200",
            description = "the offsets set, or that would be with dry_run",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "CommittedOffsets")))
    @APIResponse(responseCode = "404", ref = "Problem404")
    @APIResponse(responseCode = "409", ref = "Problem409")
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

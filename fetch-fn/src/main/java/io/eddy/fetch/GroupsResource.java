package io.eddy.fetch;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eddy.core.group.GroupService;
import io.eddy.edge.EddyConfig;
import io.eddy.edge.RequestLimits;
import io.eddy.edge.json.JsonRecords;
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

    public GroupsResource(GroupService groups, JsonRecords json, RequestLimits limits, EddyConfig config) {
        this.groups = groups;
        this.json = json;
        this.limits = limits;
        this.config = config;
    }

    @GET
    public Uni<ObjectNode> list() {
        return groups.list().map(all -> {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            var list = out.putArray("groups");
            all.forEach(g -> list.addObject().put("group", g.value()));
            return out;
        });
    }

    @GET
    @Path("/{group}")
    public Uni<ObjectNode> describe(@PathParam("group") String group) {
        return groups.describe(group).map(GroupJson::describe);
    }

    @DELETE
    @Path("/{group}")
    public Uni<Response> delete(@PathParam("group") String group) {
        return groups.delete(group).replaceWith(Response.noContent().build());
    }

    @PUT
    @Path("/{group}/members/{member}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> heartbeat(@PathParam("group") String group, @PathParam("member") String member, byte[] body) {
        limits.check(body);
        var hb = GroupJson.heartbeat(GroupJson.memberId(member), json.parse(body), config.groups());
        return groups.heartbeat(group, hb).map(r -> GroupJson.reply(group, r));
    }

    @DELETE
    @Path("/{group}/members/{member}")
    public Uni<Response> leave(@PathParam("group") String group, @PathParam("member") String member) {
        return groups.leave(group, GroupJson.memberId(member)).replaceWith(Response.noContent().build());
    }

    @POST
    @Path("/{group}/offsets")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> commit(@PathParam("group") String group, byte[] body) {
        limits.check(body);
        GroupJson.Commit commit = GroupJson.commit(json.parse(body));
        return groups.commit(group, commit.memberId(), commit.memberEpoch(), commit.offsets()).map(GroupJson::committed);
    }

    @POST
    @Path("/{group}/offsets:reset")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ObjectNode> reset(@PathParam("group") String group, byte[] body) {
        limits.check(body);
        GroupJson.Reset reset = GroupJson.reset(json.parse(body));
        return groups.reset(group, reset.topics(), reset.target(), reset.dryRun())
                .map(offsets -> GroupJson.reset(offsets, reset.dryRun()));
    }
}

package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.mxspec.spec.v1_7.appservice.Location;
import dev.mxspec.spec.v1_7.appservice.Protocol;
import dev.mxspec.spec.v1_7.appservice.ProtocolInstance;
import dev.mxspec.spec.v1_7.appservice.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The third-party networks the application services bridge to ({@code protocols} in their registrations), answered by
 * asking the services, all at once ({@code /_matrix/app/v1/thirdparty/...}). A protocol's metadata is the first
 * answering service's, with the {@code instances} of every service that provides it, each given an
 * {@code instance_id} of the service's ID and the instance's {@code network_id} ({@code id|network_id}), as Synapse
 * gives them. Lookups merge the services' lists. A service that fails, answers late or answers something that is not
 * the spec's shape counts as having nothing.
 */
public final class ThirdPartyNetworks {

    private static final Logger LOG = Logger.getLogger(ThirdPartyNetworks.class.getName());

    private final List<AppServiceClient> clients;

    public ThirdPartyNetworks(List<AppServiceClient> clients) {
        this.clients = List.copyOf(clients);
    }

    /** Whether a service declares the protocol. */
    public boolean known(String protocol) {
        return clients.stream().anyMatch(c -> c.service().providesProtocol(protocol));
    }

    /** Every protocol a service declares and at least one of them described. */
    public Map<String, Protocol> protocols() {
        Set<String> names = new LinkedHashSet<>();
        clients.forEach(c -> names.addAll(c.service().protocols()));
        Map<String, CompletableFuture<Optional<Protocol>>> asked = new LinkedHashMap<>();
        names.forEach(p -> asked.put(p, merged(p)));
        Map<String, Protocol> out = new LinkedHashMap<>();
        asked.forEach((p, f) -> f.join().ifPresent(protocol -> out.put(p, protocol)));
        return out;
    }

    /** A protocol's metadata, when a service declares it and described it. */
    public Optional<Protocol> protocol(String protocol) {
        return merged(protocol).join();
    }

    public List<Location> locations(String protocol, Map<String, String> fields) {
        return gather(providing(protocol), c -> c.locations(protocol, fields), "location lookup");
    }

    public List<User> users(String protocol, Map<String, String> fields) {
        return gather(providing(protocol), c -> c.users(protocol, fields), "user lookup");
    }

    /** The third-party locations of a Matrix room alias, from every service that bridges to a protocol. */
    public List<Location> locationsOfAlias(String alias) {
        return gather(bridging(), c -> c.locationsOfAlias(alias), "reverse location lookup");
    }

    /** The third-party users of a Matrix user ID, from every service that bridges to a protocol. */
    public List<User> usersOfUserId(String userId) {
        return gather(bridging(), c -> c.usersOfUserId(userId), "reverse user lookup");
    }

    private List<AppServiceClient> providing(String protocol) {
        return clients.stream().filter(c -> c.service().providesProtocol(protocol)).toList();
    }

    private List<AppServiceClient> bridging() {
        return clients.stream().filter(c -> !c.service().protocols().isEmpty()).toList();
    }

    private CompletableFuture<Optional<Protocol>> merged(String protocol) {
        List<CompletableFuture<Optional<Protocol>>> answers = new ArrayList<>();
        for (AppServiceClient c : providing(protocol)) {
            answers.add(c.protocol(protocol).handle((p, failure) -> {
                if (failure != null) {
                    LOG.info("application service " + c.service().id() + " did not describe protocol " + protocol + ": "
                            + AppServiceClient.describe(failure));
                    return Optional.empty();
                }
                return Optional.of(withInstanceIds(p, c.service().id()));
            }));
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture<?>[]::new)).thenApply(done -> {
            Protocol first = null;
            List<ProtocolInstance> instances = new ArrayList<>();
            for (CompletableFuture<Optional<Protocol>> a : answers) {
                Optional<Protocol> p = a.join();
                if (p.isPresent()) {
                    first = first == null ? p.get() : first;
                    instances.addAll(p.get().instances());
                }
            }
            return first == null ? Optional.<Protocol>empty() : Optional.of(new Protocol(first.userFields(), first.locationFields(),
                    first.icon(), first.fieldTypes(), instances, first.additionalProperties()));
        });
    }

    /** The protocol with each instance named {@code serviceId|network_id}, as clients give it to {@code /publicRooms}. */
    private static Protocol withInstanceIds(Protocol p, String serviceId) {
        List<ProtocolInstance> instances = new ArrayList<>();
        for (ProtocolInstance i : p.instances()) {
            Map<String, JsonNode> extra = new LinkedHashMap<>(i.additionalProperties());
            extra.put("instance_id", TextNode.valueOf(serviceId + "|" + i.networkId()));
            instances.add(new ProtocolInstance(i.desc(), i.icon(), i.fields(), i.networkId(), extra));
        }
        return new Protocol(p.userFields(), p.locationFields(), p.icon(), p.fieldTypes(), instances, p.additionalProperties());
    }

    private static <T> List<T> gather(List<AppServiceClient> asked, Function<AppServiceClient, CompletableFuture<List<T>>> lookup,
            String kind) {
        List<CompletableFuture<List<T>>> answers = new ArrayList<>();
        for (AppServiceClient c : asked) {
            answers.add(lookup.apply(c).handle((list, failure) -> {
                if (failure != null) {
                    LOG.fine(() -> "application service " + c.service().id() + ": " + kind + " failed: " + AppServiceClient.describe(failure));
                    return List.<T>of();
                }
                return list == null ? List.<T>of() : list.stream().filter(java.util.Objects::nonNull).toList();
            }));
        }
        List<T> out = new ArrayList<>();
        answers.forEach(a -> out.addAll(a.join()));
        return out;
    }
}

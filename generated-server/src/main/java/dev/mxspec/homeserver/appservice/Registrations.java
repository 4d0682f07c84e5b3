package dev.mxspec.homeserver.appservice;

import dev.mxspec.homeserver.core.Namespaces;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/** The application services this homeserver was configured with ({@code app_service_config_files}). */
public final class Registrations implements Namespaces {

    private final List<Registration> all;

    public Registrations(List<Registration> all) {
        this.all = List.copyOf(all);
    }

    public static Registrations none() {
        return new Registrations(List.of());
    }

    public List<Registration> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    /** The service whose {@code as_token} this is; compared in constant time. */
    public Optional<Registration> byAsToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        Registration found = null;
        for (Registration r : all) {
            if (MessageDigest.isEqual(given, r.asToken().getBytes(StandardCharsets.UTF_8))) {
                found = r;
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<Registration> byId(String id) {
        return all.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The service that claims the user exclusively (or whose sender it is), if any. */
    public Optional<Registration> claimingUser(String userId) {
        return all.stream().filter(r -> r.claimsUser(userId)).findFirst();
    }

    /** The service that claims the alias exclusively, if any. */
    public Optional<Registration> claimingAlias(String alias) {
        return all.stream().filter(r -> r.claimsAlias(alias)).findFirst();
    }

    /** The services that bridge to this third-party protocol. */
    public List<Registration> providing(String protocol) {
        return all.stream().filter(r -> r.providesProtocol(protocol)).toList();
    }

    @Override
    public Optional<String> userHeldBy(String userId, Optional<String> except) {
        return all.stream().filter(r -> !except.equals(Optional.of(r.id())) && r.claimsUser(userId)).map(Registration::id).findFirst();
    }

    @Override
    public Optional<String> aliasHeldBy(String alias, Optional<String> except) {
        return all.stream().filter(r -> !except.equals(Optional.of(r.id())) && r.claimsAlias(alias)).map(Registration::id).findFirst();
    }

    @Override
    public boolean aliasInNamespaceOf(String serviceId, String alias) {
        return byId(serviceId).map(r -> r.aliasInNamespace(alias)).orElse(false);
    }
}
